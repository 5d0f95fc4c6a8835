/**
 * The proxy as a program: bundled like the runtime image's /app/proxy.mjs and run with node.
 * Bad configuration → one log line and exit 1; SIGTERM → in-flight requests finish, exit 0.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  get,
  HOST,
  slowHandler,
  startReplicas,
  throwawayCert,
  type Replica,
} from './proxy-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearsal-proxy-main-'));
const bundle = join(dir, 'proxy.mjs');
let replicas: Replica[] = [];

beforeAll(async () => {
  await build({
    entryPoints: [resolve(import.meta.dirname, '../../../proxy/main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'cert.pem'), throwawayCert().cert);
  writeFileSync(join(dir, 'key.pem'), throwawayCert().key);
  writeFileSync(join(dir, 'token'), 'main-test-token-0123456789');
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  rmSync(dir, { recursive: true, force: true });
});

function config(replicaPort: number): string {
  const path = join(dir, 'proxy.json');
  writeFileSync(
    path,
    JSON.stringify({
      listen: 0,
      admin: 0,
      bind: '127.0.0.1',
      routes: [{ host: HOST, service: 'svc', port: replicaPort }],
      replicas: { svc: ['127.0.0.2'] },
      tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
      adminToken: join(dir, 'token'),
    }),
  );
  return path;
}

describe('proxy program', () => {
  it('exits 1 with one JSON log line on a bad configuration', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ listen: 'x' }));
    const result = await promisify(execFile)(process.execPath, [bundle], {
      env: { REHEARSAL_PROXY_CONFIG: path },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect((result as { code?: number }).code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'invalid configuration' });
    expect(JSON.parse(lines[0]!).error).toMatch(/bad\.json: listen must be a port number/);
    expect(result.stderr).toBe('');
  });

  it('on SIGTERM stops accepting, lets in-flight requests finish, exits 0', async () => {
    const started = await startReplicas(['127.0.0.2'], slowHandler(500));
    replicas = started.replicas;
    const child = spawn(process.execPath, [bundle], {
      env: { REHEARSAL_PROXY_CONFIG: config(started.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout });
    const logs: Record<string, unknown>[] = [];
    let port = 0;
    for await (const line of lines) {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (logs.at(-1)?.msg === 'proxy listening') {
        port = Number(logs.at(-1)?.edgePort);
        break;
      }
    }
    expect(port).toBeGreaterThan(0);
    const inFlight = get(port);
    await new Promise((r) => setTimeout(r, 100));
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const reply = await inFlight;
    expect([reply.status, reply.body]).toEqual([200, 'served by 127.0.0.2\n']);
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
    // Logs: JSON lines, and nothing secret in them.
    const text = JSON.stringify(logs);
    expect(text).not.toContain('main-test-token');
  }, 30_000);
});
