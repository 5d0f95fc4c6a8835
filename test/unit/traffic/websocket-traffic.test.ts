import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebSocketTraffic } from '../../../sandbox/traffic/websocket-traffic.js';
import { HOST, throwawayCert } from '../proxy/proxy-harness.js';

/**
 * Real sockets over TLS against three kinds of replica: one that goes silent (as a paused or
 * disconnected container does: the TCP connection stays open, nothing comes back, not even a
 * pong), one that swallows every fifth message while answering pings, and one that answers late.
 */
let server: Server | undefined;
let traffic: WebSocketTraffic | undefined;

afterEach(async () => {
  traffic?.stop();
  server?.closeAllConnections();
  server?.close();
  server = undefined;
  traffic = undefined;
});

async function start(onSocket: (ws: WebSocket, raw: Socket) => void): Promise<WebSocketTraffic> {
  const cert = throwawayCert();
  server = createServer(cert);
  const wss = new WebSocketServer({ server });
  wss.on('headers', (h) => h.push('X-Replica: r1'));
  wss.on('connection', (ws, req) => onSocket(ws, req.socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const t0 = Date.now();
  traffic = new WebSocketTraffic(
    { host: HOST, port, ca: cert.cert },
    { path: '/ws', sockets: 1, intervalMs: 100 },
    () => Date.now() - t0,
  );
  return traffic;
}

const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('WebSocket traffic tells a fault from a loss', () => {
  it('closes a socket that went silent (no pong) and reconnects; its messages are in flight, not lost', async () => {
    let first = true;
    const t = await start((ws, raw) => {
      ws.on('message', (m: Buffer) => ws.send(`echo ${String(m)}`));
      if (first) {
        first = false;
        // Silent after 300 ms: the replica is frozen, the connection stays open.
        setTimeout(() => raw.pause(), 300);
        ws.pong = () => undefined;
        setTimeout(() => {
          ws.removeAllListeners('message');
          (
            ws as unknown as { _receiver: { removeAllListeners(): void } }
          )._receiver.removeAllListeners();
        }, 300);
      }
    });
    const running = t.run();
    await until(() => t.figures.opened >= 2 && t.figures.echoed > 10);
    t.stop();
    await running;
    t.settle();
    expect(t.figures.silentClosed).toBe(1);
    expect(t.drops[0]).toMatchObject({ replica: 'r1', cause: 'silent' });
    expect(t.figures.inFlightAtDrop).toBeGreaterThan(0);
    expect(t.figures.unanswered).toBe(0);
    expect(t.figures.lost).toBe(0);
  }, 30_000);

  it('counts as lost the messages a live socket never answers; a fault on its replica makes them stalled', async () => {
    let n = 0;
    const t = await start((ws) => {
      ws.on('message', (m: Buffer) => {
        if (++n % 5 !== 0) ws.send(`echo ${String(m)}`);
      });
    });
    const running = t.run();
    // Each swallowed message is unanswered 5 s after it was sent; the socket keeps answering pings.
    await until(() => t.figures.unanswered >= 2);
    t.stop();
    await running;
    expect(t.figures.silentClosed).toBe(0);
    t.settle();
    expect(t.figures.lost).toBe(t.figures.unanswered);
    expect(t.lostMessages.every((m) => m.replica === 'r1')).toBe(true);
    t.settle([{ seq: 9, startAt: 0, replicas: ['r1'] }]);
    expect(t.figures.lost).toBe(0);
    expect(t.figures.stalled).toBe(t.figures.unanswered);
    t.settle([{ seq: 9, startAt: 0, replicas: ['another-replica'] }]);
    expect(t.figures.stalled).toBe(0);
  }, 30_000);

  it('an echo that comes after the deadline is late, not lost', async () => {
    let n = 0;
    const t = await start((ws) => {
      ws.on('message', (m: Buffer) => {
        const text = `echo ${String(m)}`;
        if (++n === 3) setTimeout(() => ws.send(text), 5_600);
        else ws.send(text);
      });
    });
    const running = t.run();
    await until(() => t.figures.late === 1);
    t.stop();
    await running;
    t.settle();
    expect(t.figures.unanswered).toBe(0);
    expect(t.figures.lost).toBe(0);
  }, 30_000);
});
