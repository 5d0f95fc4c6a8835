import { createServer, request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsProbe } from '../../../sandbox/net/tls-probe.js';
import { ROOT } from '../../helpers/cli.js';

const mod = (await import(
  pathToFileURL(join(ROOT, 'templates/reference-service/tls-port.mjs')).href
)) as { dualModeListener(server: Server, log: { warn(m: string): void }): Promise<Server> };

const closing: Server[] = [];
afterAll(() => {
  for (const s of closing) s.close();
});

describe('NAUGHTY_TLS_PORT', () => {
  it('answers plain HTTP and a TLS handshake on one port', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const listener = await mod.dualModeListener(server, { warn: () => undefined });
    closing.push(listener);
    await new Promise<void>((ok) => listener.listen(0, '127.0.0.1', ok));
    const port = (listener.address() as AddressInfo).port;
    const plain = await new Promise<string>((ok, fail) => {
      request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => ok(`${res.statusCode} ${body}`));
      })
        .on('error', fail)
        .end();
    });
    expect(plain).toBe('200 ok');
    const tls = await tlsProbe('127.0.0.1', port, 5000);
    expect(tls.detail).toMatch(/^TLS handshake completed/);
  });
});
