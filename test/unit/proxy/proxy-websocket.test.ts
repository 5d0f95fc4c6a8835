import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RunningProxy } from '../../../proxy/server/proxy.js';
import {
  admin,
  HOST,
  SERVICE,
  startReplicas,
  startTestProxy,
  throwawayCert,
  type Replica,
} from './proxy-harness.js';

const IPS = ['127.0.0.2', '127.0.0.3'];
let replicas: Replica[];
let proxy: RunningProxy;

beforeAll(async () => {
  const started = await startReplicas(IPS);
  replicas = started.replicas;
  for (const replica of replicas) {
    const wss = new WebSocketServer({ server: replica.server });
    wss.on('connection', (ws, req) => {
      ws.send(`hello from ${replica.ip} for ${req.headers['x-forwarded-for']}`);
      ws.on('message', (data) => ws.send(`echo ${String(data)}`));
    });
  }
  proxy = await startTestProxy(started.port, () => IPS);
});

afterAll(async () => {
  await proxy?.close(100);
  await Promise.all(replicas.map((r) => r.kill()));
});

async function open(): Promise<{
  ws: WebSocket;
  messages: string[];
  backend?: string | undefined;
}> {
  // ws hands TLS options to tls.connect; its types omit `servername` (SNI for an IP address).
  const options: WebSocket.ClientOptions & { servername: string } = {
    headers: { host: `${HOST}:${proxy.edgePort}` },
    servername: HOST,
    ca: throwawayCert().cert,
  };
  const ws = new WebSocket(`wss://127.0.0.1:${proxy.edgePort}/socket`, options);
  const messages: string[] = [];
  let backend: string | undefined;
  ws.on('upgrade', (res) => {
    backend = res.headers['x-rehearsal-backend'] as string | undefined;
  });
  ws.on('message', (data) => messages.push(String(data)));
  await once(ws, 'open');
  return { ws, messages, backend };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('WebSocket through the proxy', () => {
  it('echoes messages both ways over wss', async () => {
    const { ws, messages, backend } = await open();
    ws.send('ping');
    await until(() => messages.length >= 2);
    expect(messages[0]).toMatch(/^hello from 127\.0\.0\.[23] for 127\.0\.0\.1$/);
    expect(messages[1]).toBe('echo ping');
    // The upgrade answer names the replica holding the socket, as every proxied answer does.
    expect(messages[0]).toContain(`hello from ${backend} `);
    ws.close();
    await once(ws, 'close');
  });

  it('spreads upgrades round robin; an open tunnel is not in flight, so a drain does not wait for it', async () => {
    const a = await open();
    const b = await open();
    await until(() => a.messages.length > 0 && b.messages.length > 0);
    const ips = [a.messages[0], b.messages[0]].map((m) => m?.split(' ')[2]);
    expect(new Set(ips).size).toBe(2);
    const inFlight = [...proxy.routes[0]!.backends.values()].map((x) => x.inFlight);
    expect(inFlight).toEqual([0, 0]);
    const drained = await admin(proxy, 'POST', '/drain', {
      service: SERVICE,
      ip: ips[0],
      timeoutMs: 2000,
    });
    expect(drained).toMatchObject({ status: 200, json: { drained: true } });
    // The tunnel stays open until the replica closes it (as it does when it is stopped).
    a.ws.send('still');
    b.ws.send('still');
    await until(() => a.messages.length >= 2 && b.messages.length >= 2);
    expect([a.messages[1], b.messages[1]]).toEqual(['echo still', 'echo still']);
    await admin(proxy, 'POST', '/admit', { service: SERVICE, ip: ips[0] });
    a.ws.close();
    b.ws.close();
    await Promise.all([once(a.ws, 'close'), once(b.ws, 'close')]);
    await until(() => [...proxy.routes[0]!.backends.values()].every((x) => x.inFlight === 0));
    expect([...proxy.routes[0]!.backends.values()].map((x) => x.inFlight)).toEqual([0, 0]);
  });
});
