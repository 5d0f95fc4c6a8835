import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../../proxy/server/proxy.js';
import {
  clientAgent,
  get,
  HOST,
  startReplicas,
  startTestProxy,
  throwawayCert,
  type Replica,
} from './proxy-harness.js';

const IPS = ['127.0.0.2', '127.0.0.3'];
let replicas: Replica[] = [];
let proxy: RunningProxy | undefined;

afterEach(async () => {
  await proxy?.close(100);
  proxy = undefined;
  await Promise.all(replicas.map((r) => r.kill()));
});

/** Two replicas: the first behaves as `bad`, the second answers 200 "fine". */
async function setup(
  bad: (req: IncomingMessage, res: ServerResponse) => void,
  responseMs = 60_000,
): Promise<RunningProxy> {
  const started = await startReplicas(IPS, (req, res, replica) => {
    if (replica.ip === IPS[0]) return bad(req, res);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => res.end(body === '' ? 'fine' : `fine ${body.length}`));
  });
  replicas = started.replicas;
  proxy = await startTestProxy(started.port, () => IPS, { timeouts: { responseMs } });
  return proxy;
}

function errorsOf(p: RunningProxy, ip: string): Record<string, number> {
  return p.routes[0]!.backends.get(ip)!.counters.snapshot().errors;
}

describe('failures after the request reached a replica are passed through and counted, not retried', () => {
  it('passes a 5xx through', async () => {
    const p = await setup((_req, res) => res.writeHead(503).end('busy'));
    const replies = [await get(p.edgePort), await get(p.edgePort)];
    expect(replies.map((r) => r.status).sort()).toEqual([200, 503]);
    expect(errorsOf(p, IPS[0]!).upstream_5xx).toBe(1);
  });

  it('answers 504 when the replica goes silent', async () => {
    const p = await setup(() => {}, 200);
    const replies = [await get(p.edgePort), await get(p.edgePort)];
    expect(replies.map((r) => r.status).sort()).toEqual([200, 504]);
    expect(errorsOf(p, IPS[0]!)).toMatchObject({ timeout: 1, retried: 0 });
    expect(replicas[1]!.served).toBe(1);
    // The replica had the request: the answer names it, so a client does not count the failure
    // as one no replica ever saw.
    expect(replies.find((r) => r.status === 504)?.headers['x-rehearsal-backend']).toBe(IPS[0]);
  });

  it('answers 502 when a new connection is reset after the request was sent', async () => {
    const p = await setup((req) => req.socket.destroy());
    const replies = [await get(p.edgePort), await get(p.edgePort)];
    expect(replies.map((r) => r.status).sort()).toEqual([200, 502]);
    expect(errorsOf(p, IPS[0]!)).toMatchObject({ reset_after_request: 1, retried: 0 });
  });

  it('truncates the response when the replica dies mid-body', async () => {
    const p = await setup((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const agent = clientAgent(1);
    const outcomes = await Promise.allSettled([
      get(p.edgePort, { agent }),
      get(p.edgePort, { agent }),
    ]);
    agent.destroy();
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(errorsOf(p, IPS[0]!)).toMatchObject({ reset_after_request: 1, retried: 0 });
  });

  it('answers 502 to a response that is not HTTP', async () => {
    const p = await setup((req) => req.socket.end('garbage\r\n\r\n'));
    const replies = [await get(p.edgePort), await get(p.edgePort)];
    expect(replies.map((r) => r.status).sort()).toEqual([200, 502]);
    expect(errorsOf(p, IPS[0]!).invalid_response).toBe(1);
  });
});

describe('requests that never reached a replica go to the next replica', () => {
  it('reaches the one live replica of four when the other three are down at the same moment', async () => {
    const four = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    const started = await startReplicas(four, (req, res) => {
      req.resume();
      req.on('end', () => res.end('fine'));
    });
    replicas = started.replicas;
    const p = await startTestProxy(started.port, () => four, {});
    proxy = p;
    await Promise.all(replicas.slice(0, 3).map((r) => r.kill()));
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await get(p.edgePort, { method: 'POST', body: 'x' }));
    expect(replies.map((r) => [r.status, r.headers['x-rehearsal-backend']])).toEqual([
      [200, four[3]],
      [200, four[3]],
      [200, four[3]],
    ]);
    const refused = four
      .slice(0, 3)
      .map((ip) => p.routes[0]!.backends.get(ip)!.counters.snapshot().errors.connect_refused ?? 0);
    expect(refused).toEqual([1, 1, 1]);
  });

  it('answers 502 without naming a replica when none could be reached', async () => {
    const p = await setup((_req, res) => res.end('never'));
    await Promise.all(replicas.map((r) => r.kill()));
    const reply = await get(p.edgePort);
    expect(reply.status).toBe(502);
    expect(reply.headers['x-rehearsal-backend']).toBeUndefined();
  });

  it('retries a POST with its body when the connection is refused', async () => {
    const p = await setup((_req, res) => res.end('never'));
    await replicas[0]!.kill();
    const body = 'y'.repeat(10_000);
    const replies = [
      await get(p.edgePort, { method: 'POST', body }),
      await get(p.edgePort, { method: 'POST', body }),
    ];
    expect(replies.map((r) => [r.status, r.body])).toEqual([
      [200, 'fine 10000'],
      [200, 'fine 10000'],
    ]);
    expect(errorsOf(p, IPS[0]!)).toMatchObject({ connect_refused: 1, retried: 1 });
    expect(p.routes[0]!.backends.get(IPS[0]!)?.state).toBe('ejected');
  });

  it('streams a chunked request body (unknown length) through', async () => {
    const p = await setup((_req, res) => res.end('never'));
    await replicas[0]!.kill();
    const chunks = ['a'.repeat(1000), 'b'.repeat(5000), 'c'];
    const reply = await get(p.edgePort, {
      method: 'POST',
      body: chunks.join(''),
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect([reply.status, reply.body]).toEqual([200, 'fine 6001']);
  });
});

describe('a reused keep-alive connection that breaks before any response byte', () => {
  /**
   * The first replica answers the first request on each of its connections, then resets the
   * connection when the next request arrives on it (as a replica killed between two requests
   * on a pooled connection would), without a response byte.
   */
  async function breakOnReuse(): Promise<{ p: RunningProxy; broken: string[] }> {
    const broken: string[] = [];
    const perSocket = new WeakMap<object, number>();
    const p = await setup((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      req.resume();
      if (n === 1) return void res.end('first');
      broken.push(req.method ?? '');
      req.socket.destroy();
    });
    return { p, broken };
  }

  /** Sequential requests until the first replica has reset one (at most eight). */
  async function untilBroken(
    p: RunningProxy,
    broken: string[],
    method: string,
  ): Promise<{ status: number; body: string }[]> {
    const replies = [];
    for (let i = 0; i < 8 && broken.length === 0; i++) {
      const r = await get(p.edgePort, method === 'POST' ? { method, body: `n${i}` } : {});
      replies.push({ status: r.status, body: r.body });
    }
    return replies;
  }

  it('does not send a POST again: it may have been committed, and a second one would store it twice', async () => {
    const { p, broken } = await breakOnReuse();
    const replies = await untilBroken(p, broken, 'POST');
    expect(broken).toEqual(['POST']);
    expect(replies.at(-1)?.status).toBe(502);
    expect(errorsOf(p, IPS[0]!)).toMatchObject({ reset_after_request: 1, retried: 0 });
    expect(errorsOf(p, IPS[0]!).reset_before_request ?? 0).toBe(0);
  });

  it('sends an idempotent GET once more, to another replica, and the client never sees the reset', async () => {
    const { p, broken } = await breakOnReuse();
    const replies = await untilBroken(p, broken, 'GET');
    expect(broken).toEqual(['GET']);
    expect(replies.at(-1)).toEqual({ status: 200, body: 'fine' });
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(errorsOf(p, IPS[0]!)).toMatchObject({ reset_before_request: 1, retried: 1 });
  });
});

describe('response framings', () => {
  it('passes chunked and close-delimited responses through intact', async () => {
    const p = await setup((req, res) => {
      if (req.url === '/chunked') {
        res.write('one,');
        setTimeout(() => res.end('two'), 10);
      } else {
        // HTTP/1.0-style: no length, the end of the body is the end of the connection.
        req.socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
      }
    });
    const route = p.routes[0]!;
    // Only the first replica answers now: an admin hold, so the prober does not re-admit the
    // second between two requests on a slow machine.
    const second = route.backends.get(IPS[1]!)!;
    route.setHold(second, 'eject');
    route.eject(second, 'admin');
    expect((await get(p.edgePort, { path: '/chunked' })).body).toBe('one,two');
    expect((await get(p.edgePort, { path: '/close' })).body).toBe('until close');
    expect((await get(p.edgePort, { path: '/chunked' })).body).toBe('one,two');
  });

  it('streams both bodies as they come, without waiting for their end', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    let uploadStarted: () => void = () => {};
    const uploadSeen = new Promise<void>((r) => (uploadStarted = r));
    const p = await setup((req, res) => {
      req.once('data', () => uploadStarted());
      req.on('end', () => {
        res.write('first;');
        void released.then(() => res.end('last'));
      });
    });
    const route = p.routes[0]!;
    route.eject(route.backends.get(IPS[1]!)!, 'admin');
    const req = request({
      host: '127.0.0.1',
      port: p.edgePort,
      method: 'POST',
      servername: HOST,
      ca: throwawayCert().cert,
      headers: { host: HOST, 'transfer-encoding': 'chunked' },
    });
    req.write('part one;');
    await uploadSeen; // the replica has the first part while the client still sends
    req.end('part two');
    const [res] = (await new Promise((resolve) => req.once('response', (r) => resolve([r])))) as [
      IncomingMessage,
    ];
    const first = await new Promise<string>((resolve) =>
      res.once('data', (c: Buffer) => resolve(String(c))),
    );
    expect(first).toBe('first;'); // arrived while the replica holds the rest back
    release();
    let rest = '';
    for await (const chunk of res) rest += String(chunk);
    expect(rest).toBe('last');
  });
});
