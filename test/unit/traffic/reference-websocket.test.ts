import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attachWebSocket } from '../../../templates/reference-service/websocket.mjs';

let server: Server;
let socket: { close(): void };
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.end('http'));
  socket = attachWebSocket(server, { path: '/ws', log: { debug: () => undefined } });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("the reference service's WebSocket echo", () => {
  it('names its replica on the upgrade and echoes each message', async () => {
    const ws = new WebSocket(`${url}/ws`);
    const upgraded = once(ws, 'upgrade');
    await once(ws, 'open');
    const [res] = (await upgraded) as [{ headers: Record<string, string> }];
    expect(res.headers['x-replica']).toBe(hostname());
    ws.send('m1');
    const [data] = (await once(ws, 'message')) as [Buffer];
    expect(String(data)).toBe('echo m1');
    ws.close();
    await once(ws, 'close');
  });

  it('refuses an upgrade on another path with 404', async () => {
    const ws = new WebSocket(`${url}/elsewhere`);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(404);
    const aborted = once(ws, 'error');
    ws.terminate();
    expect(String(await aborted)).toMatch(/closed before the connection was established/);
  });

  it('closes open sockets with 1001 (going away) on shutdown, so clients reconnect elsewhere', async () => {
    const ws = new WebSocket(`${url}/ws`);
    await once(ws, 'open');
    socket.close();
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1001);
  });
});
