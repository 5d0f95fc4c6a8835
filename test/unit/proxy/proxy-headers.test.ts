import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../../proxy/server/proxy.js';
import { get, HOST, startReplicas, startTestProxy, type Replica } from './proxy-harness.js';

let replica: Replica;
let proxy: RunningProxy;
let seen: IncomingMessage['headers'] = {};

beforeAll(async () => {
  const started = await startReplicas(['127.0.0.2'], (req, res) => {
    seen = req.headers;
    req.resume();
    // Hop-by-hop headers from the replica must not reach the client either.
    res.writeHead(200, {
      'content-type': 'text/plain',
      connection: 'keep-alive, x-replica-hop',
      'x-replica-hop': '1',
      'keep-alive': 'timeout=5',
    });
    res.end('ok\n');
  });
  replica = started.replicas[0]!;
  proxy = await startTestProxy(started.port, () => ['127.0.0.2']);
});

afterAll(async () => {
  await proxy?.close(100);
  await replica?.kill();
});

describe('forwarding headers', () => {
  it("names the replica that answered in x-rehearsal-backend, after the replica's own headers", async () => {
    const r = await get(proxy.edgePort);
    expect(r.headers['x-rehearsal-backend']).toMatch(/^127\.0\.0\.2(:\d+)?$/);
    expect(r.headers['content-type']).toBe('text/plain');
  });

  it('replaces spoofed X-Forwarded-* and Forwarded with what the proxy saw', async () => {
    await get(proxy.edgePort, {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-port': '1',
        'x-forwarded-prefix': '/admin',
        'x-real-ip': '6.6.6.6',
        forwarded: 'for=6.6.6.6;proto=http',
      },
    });
    const host = `${HOST}:${proxy.edgePort}`;
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('https');
    expect(seen['x-forwarded-host']).toBe(host);
    expect(seen['x-forwarded-port']).toBe(String(proxy.edgePort));
    expect(seen.forwarded).toBe(`for=127.0.0.1;proto=https;host="${host}"`);
    expect(seen['x-forwarded-prefix']).toBeUndefined();
    expect(seen['x-real-ip']).toBeUndefined();
    expect(seen.host).toBe(host);
  });

  it('adds a W3C traceparent when there is none', async () => {
    await get(proxy.edgePort);
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const first = seen.traceparent;
    await get(proxy.edgePort);
    expect(seen.traceparent).not.toBe(first);
  });

  it('keeps a valid incoming traceparent and its tracestate', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await get(proxy.edgePort, { headers: { traceparent, tracestate: 'vendor=abc' } });
    expect(seen.traceparent).toBe(traceparent);
    expect(seen.tracestate).toBe('vendor=abc');
  });

  it('replaces an invalid traceparent and drops its tracestate', async () => {
    await get(proxy.edgePort, {
      headers: {
        traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
        tracestate: 'x=1',
      },
    });
    expect(seen.traceparent).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(seen.tracestate).toBeUndefined();
  });

  it('removes hop-by-hop headers in both directions, including those Connection names', async () => {
    const reply = await get(proxy.edgePort, {
      headers: {
        connection: 'keep-alive, x-client-hop',
        'x-client-hop': '1',
        'proxy-authorization': 'Basic eA==',
        te: 'trailers',
        'x-end-to-end': 'yes',
      },
    });
    expect(seen['x-client-hop']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['x-end-to-end']).toBe('yes');
    expect(reply.headers['x-replica-hop']).toBeUndefined();
    expect(reply.headers['content-type']).toBe('text/plain');
    expect(reply.body).toBe('ok\n');
  });

  it('streams a request body to the replica and its answer back', async () => {
    let received = '';
    replica.server.removeAllListeners('request');
    replica.server.on('request', (req: IncomingMessage, res) => {
      req.setEncoding('utf8');
      req.on('data', (c: string) => (received += c));
      req.on('end', () => res.end(`got ${received.length}`));
    });
    const body = 'x'.repeat(200_000);
    const reply = await get(proxy.edgePort, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('got 200000');
    expect(received).toBe(body);
  });
});
