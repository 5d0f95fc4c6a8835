import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadProxyConfig, parseProxyConfig } from '../../../proxy/server/config.js';
import { throwawayCert } from './proxy-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearsal-proxy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valid = {
  listen: 8443,
  admin: 8444,
  routes: [{ host: 'Patient-API.rehearsal.localhost', service: 'patient-api', port: 8080 }],
  tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
  adminToken: join(dir, 'admin-token'),
  discovery: { intervalMs: 500 },
};

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('proxy configuration', () => {
  it('reads the file and the certificate, key and token it names, with defaults', async () => {
    file('cert.pem', throwawayCert().cert);
    file('key.pem', throwawayCert().key);
    file('admin-token', 'a-token-of-32-characters-or-more-0000\n');
    const options = await loadProxyConfig(file('proxy.json', valid));
    expect(options).toMatchObject({
      listen: 8443,
      admin: 8444,
      bind: '0.0.0.0',
      routes: [{ host: 'patient-api.rehearsal.localhost', service: 'patient-api', port: 8080 }],
      adminToken: 'a-token-of-32-characters-or-more-0000',
      discovery: { intervalMs: 500, probeIntervalMs: 200 },
      timeouts: { connectMs: 2000, responseMs: 60_000, idleMs: 4000, shutdownMs: 5000 },
    });
    expect(options.tls.cert).toContain('BEGIN CERTIFICATE');
  });

  it('names the file and the field for every kind of mistake', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...valid, listen: 70000 }, /listen must be a port number/],
      [{ ...valid, routes: [] }, /routes must be a non-empty array/],
      [
        { ...valid, routes: [{ host: 'bad host', service: 's', port: 1 }] },
        /routes\[0\]\.host "bad host" is not a hostname/,
      ],
      [
        { ...valid, routes: [valid.routes[0], valid.routes[0]] },
        /routes\[1\]\.host .* appears twice/,
      ],
      [
        { ...valid, discovery: { intervalMs: 1 } },
        /discovery\.intervalMs must be a number of milliseconds >= 50/,
      ],
      [{ ...valid, tls: {} }, /tls\.cert must be a non-empty string/],
      [{ ...valid, replicas: { s: ['not an address'] } }, /replicas\.s must be a list/],
    ];
    for (const [content, message] of cases) {
      await expect(loadProxyConfig(file('bad.json', content))).rejects.toThrow(message);
      await expect(loadProxyConfig(file('bad.json', content))).rejects.toThrow(/bad\.json: /);
    }
    await expect(loadProxyConfig(file('bad.json', '{ nope'))).rejects.toThrow(/not valid JSON/);
    await expect(loadProxyConfig(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read configuration .*ENOENT/,
    );
    await expect(
      loadProxyConfig(file('p.json', { ...valid, adminToken: join(dir, 'none') })),
    ).rejects.toThrow(ConfigError);
    file('short-token', 'short');
    await expect(
      loadProxyConfig(file('p.json', { ...valid, adminToken: join(dir, 'short-token') })),
    ).rejects.toThrow(/shorter than 16/);
    file('other-key.pem', throwawayCert().cert);
    await expect(
      loadProxyConfig(
        file('p.json', { ...valid, tls: { ...valid.tls, key: join(dir, 'other-key.pem') } }),
      ),
    ).rejects.toThrow(ConfigError);
  });

  it('accepts fixed replica lists', () => {
    expect(
      parseProxyConfig({ ...valid, replicas: { 'patient-api': ['127.0.0.1:9101', '10.0.0.2'] } })
        .replicas,
    ).toEqual({
      'patient-api': ['127.0.0.1:9101', '10.0.0.2'],
    });
  });
});
