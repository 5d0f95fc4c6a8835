import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { TrafficGenerator } from '../../../sandbox/traffic/generator.js';
import { resolveTraffic } from '../../../sandbox/traffic/journeys.js';
import { HOST, throwawayCert } from '../proxy/proxy-harness.js';

/**
 * A vendor's API that is not the reference service's, on a real HTTPS server: items with a
 * `{ data: { id } }` answer, a search with `total`, bearer sessions, and a WebSocket echo. Two
 * "replicas" answer in turn (X-Replica). It acknowledges write 3 without storing it and stores
 * write 5 twice, so the ledger must find exactly those.
 */
const items: { id: string; name: string }[] = [];
const tokens = new Set<string>();
let writes = 0;
let answered = 0;
let server: Server;
const sockets: WebSocket[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'https://x');
  const send = (status: number, body?: unknown) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-replica': `r${(answered++ % 2) + 1}`,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  let text = '';
  req.on('data', (c: Buffer) => (text += String(c)));
  req.on('end', () => {
    if (req.method === 'POST' && url.pathname === '/v1/items') {
      const { name } = JSON.parse(text) as { name: string };
      const n = ++writes;
      const id = `it${n}`;
      if (n !== 3) items.push({ id, name });
      if (n === 5) items.push({ id: `${id}b`, name });
      return send(201, { data: { id } });
    }
    if (url.pathname === '/v1/items') {
      const found = items.filter((i) => i.name === url.searchParams.get('name'));
      return send(200, { total: found.length, items: found });
    }
    const one = /^\/v1\/items\/(.+)$/.exec(url.pathname);
    if (one) return items.some((i) => i.id === one[1]) ? send(200, {}) : send(404);
    if (req.method === 'POST' && url.pathname === '/login') {
      const token = `t${tokens.size + 1}`;
      tokens.add(token);
      return send(200, { auth: { token } });
    }
    if (url.pathname === '/whoami') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return token && tokens.has(token) ? send(200, {}) : send(401);
    }
    send(404);
  });
}

beforeAll(async () => {
  server = createServer(throwawayCert(), handle);
  const wss = new WebSocketServer({ server });
  wss.on('headers', (h) => h.push(`X-Replica: r${(sockets.length % 2) + 1}`));
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (m: Buffer) => ws.send(`echo ${String(m)}`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the traffic generator on a declared API', () => {
  it('records every acknowledged write, reads it back, and finds the lost and the duplicated one', async () => {
    const spec = resolveTraffic(
      {
        journeys: [
          { name: 'list', method: 'GET', path: '/v1/items?name=x{run}', expect: [200], weight: 1 },
          {
            name: 'create',
            method: 'POST',
            path: '/v1/items',
            body: { name: '{key}' },
            expect: [201],
            weight: 2,
            write: {
              key: '{run}-{seq}',
              id: '/data/id',
              read: { method: 'GET', path: '/v1/items/{id}', expect: [200], weight: 1 },
              verify: { path: '/v1/items?name={key}', count: '/total', ids: '/items/*/id' },
            },
          },
        ],
        session: {
          login: { method: 'POST', path: '/login', expect: [200], token: '/auth/token' },
          check: { method: 'GET', path: '/whoami', expect: [200] },
          uses: 3,
          weight: 2,
        },
        websocket: { path: '/ws', sockets: 1, intervalMs: 20 },
      },
      { reference: false, healthPath: '/health' },
    );
    const port = (server.address() as AddressInfo).port;
    const traffic = new TrafficGenerator({
      target: { host: HOST, port, ca: throwawayCert().cert },
      spec,
      rps: 400,
      concurrency: 4,
      durationMs: 60_000,
      maxRequests: 5000,
      runId: 'rhtest',
    });
    const running = traffic.run();
    // A replica dies under the open socket: the client must reconnect, not lose data. The
    // traffic runs until the test has seen that (a loaded machine opens sockets slowly).
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => traffic.websocket!.figures.echoed >= 5);
    sockets[0]!.terminate();
    await until(
      () => traffic.websocket!.figures.opened >= 2 && (traffic.journeys['create']?.ok ?? 0) > 10,
    );
    await traffic.stop();
    await running;
    const checks = await traffic.verify(traffic.ledger.acked());
    traffic.close();

    expect(traffic.journeys['create']?.ok).toBeGreaterThan(10);
    expect(traffic.journeys['create:read']?.sent).toBeGreaterThan(0);
    expect(traffic.ledger.writes[0]).toMatchObject({
      seq: 1,
      journey: 'create',
      key: 'rhtest-1',
      acked: true,
      id: 'it1',
      resource: 'v1/items/it1',
    });
    const byId = (id: string) => checks.find((c) => c.write.id === id);
    expect(byId('it3')).toMatchObject({ found: 0, sameId: false });
    expect(byId('it5')).toMatchObject({ found: 2, sameId: true });
    expect(checks.filter((c) => c.found === 1 && c.sameId)).toHaveLength(checks.length - 2);
    // Read-backs of write 3 (acknowledged, never stored) answered 404: failures of the journey.
    expect(traffic.ledger.failures.every((f) => f.journey === 'create:read')).toBe(true);

    const elsewhere = traffic.ledger.sessions.filter((u) => u.issuer !== u.replica);
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.every((u) => u.status === 200)).toBe(true);

    const ws = traffic.websocket!.figures;
    expect(ws.reconnects).toEqual({ r1: 1 });
    expect(ws.lost).toBe(0);
    expect(ws.echoed).toBeGreaterThan(5);
    expect(ws.echoed + ws.inFlightAtDrop).toBeLessThanOrEqual(ws.sent);
    expect(traffic.websocket!.drops).toHaveLength(1);
  });
});
