import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRoot } from '../../../proxy/ca/authority.js';
import { tlsProbe } from '../../../sandbox/net/tls-probe.js';

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});
const listen = async (s: ReturnType<typeof createHttp>) => {
  servers.push(s);
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  return (s.address() as AddressInfo).port;
};

describe('tlsProbe', () => {
  it('sees a TLS handshake on a port that speaks TLS, with the certificate names', async () => {
    const { cert, key } = await createRoot(new Date());
    const port = await listen(
      createHttps({ cert: cert.toString('pem'), key: key.privateKeyPem }, (_q, r) => r.end()),
    );
    const p = await tlsProbe('127.0.0.1', port, 3000);
    expect(p.handshake).toBe(true);
    expect(p.detail).toMatch(/TLS handshake completed .*CN=Rehearsal Local Root CA/);
  });

  it('sees none on a plain-HTTP port, and none on a closed port', async () => {
    const port = await listen(createHttp((_q, r) => r.end()));
    expect((await tlsProbe('127.0.0.1', port, 3000)).handshake).toBe(false);
    const closed = await listen(createHttp());
    servers.pop()?.close();
    await new Promise((ok) => setTimeout(ok, 50));
    const r = await tlsProbe('127.0.0.1', closed, 3000);
    expect(r).toMatchObject({ handshake: false });
    expect(r.detail).toMatch(/ECONNREFUSED/);
  });
});
