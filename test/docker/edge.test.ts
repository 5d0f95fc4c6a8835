import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../sandbox/plan/types.js';
import { adminCall, edgeAdmin } from '../../sandbox/sandbox/edge-admin.js';
import { listReplicas } from '../../sandbox/sandbox/replicas.js';
import { renewEdgeCertificate } from '../../sandbox/sandbox/supervise.js';
import { readState } from '../../sandbox/sandbox/state.js';
import { referenceProject, rehearsal } from '../helpers/cli.js';
import { trustingChromium } from '../helpers/chromium.js';
import { edgeClient, edgeRequest, steadyLoad } from '../helpers/edge.js';
import { removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();
const HOST = 'patient-api.rehearsal.localhost';

describe.skipIf(!engine)('the TLS edge in front of the replicas', () => {
  const id = 'rt-edge';
  const project = referenceProject(id);
  const stateDir = join(project.dir, '.rehearsal', id);
  let plan: Plan;

  beforeAll(async () => {
    const up = await rehearsal(['up', '--detach'], { cwd: project.dir });
    expect(up.exitCode, up.stderr).toBe(0);
    plan = await readState(stateDir);
  });

  afterAll(async () => {
    if (engine) await removeSandbox(engine, id);
    project.remove();
  });

  it('answers curl through 127.0.0.1:8443 with a certificate chain openssl accepts', async () => {
    const root = join(stateDir, 'ca/root.pem');
    const curl = await execa('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--cacert',
      root,
      '--resolve',
      `${HOST}:8443:127.0.0.1`,
      `https://${HOST}:8443/health`,
    ]);
    expect(curl.stdout).toBe('200');
    const chain = readFileSync(join(stateDir, 'proxy/tls/cert.pem'), 'utf8').match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g,
    )!;
    const dir = mkdtempSync(join(tmpdir(), 'rh-chain-'));
    try {
      writeFileSync(join(dir, 'leaf.pem'), chain[0]!);
      writeFileSync(join(dir, 'intermediate.pem'), chain[1]!);
      const verify = await execa('openssl', [
        'verify',
        '-CAfile',
        root,
        '-untrusted',
        join(dir, 'intermediate.pem'),
        join(dir, 'leaf.pem'),
      ]);
      expect(verify.stdout).toContain('leaf.pem: OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the same URL from inside a replica, TLS verified through the injected root', async () => {
    const replica = (await listReplicas(engine!, id, 'patient-api'))[0]!;
    const r = await execa('docker', [
      'exec',
      replica.name,
      'node',
      '-e',
      `fetch('https://${HOST}:8443/health').then(async r=>console.log(r.status, await r.text()),e=>{console.log('ERR',e.cause?.code??e.message);process.exit(1)})`,
    ]);
    expect(r.stdout).toBe('200 {"status":"ok"}');
  });

  it('balances 300 requests evenly over 3 replicas, cookies or not (never sticky)', async () => {
    const variants: Record<string, string>[] = [
      {},
      { cookie: 'session=abc; JSESSIONID=1', 'x-session': 'sticky?' },
    ];
    for (const headers of variants) {
      const c = edgeClient(stateDir, 'patient-api');
      const counts: Record<string, number> = {};
      for (let i = 0; i < 300; i++) {
        const r = await edgeRequest(c, '/health', { headers });
        expect(r.status).toBe(200);
        const replica = String(r.headers['x-replica']);
        counts[replica] = (counts[replica] ?? 0) + 1;
      }
      c.agent.destroy();
      expect(Object.keys(counts)).toHaveLength(3);
      for (const n of Object.values(counts)) expect(Math.abs(n - 100)).toBeLessThanOrEqual(5);
    }
  });

  it('guards its admin channel with the sandbox token', async () => {
    const admin = (await edgeAdmin(plan, engine!))!;
    expect((await adminCall({ ...admin, token: 'wrong' }, 'GET', '/backends')).status).toBe(401);
    const ok = await adminCall(admin, 'GET', '/backends');
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.json)).toContain('patient-api');
  });

  it('under load, a SIGKILLed replica fails only requests in flight on it, and scale restores the count', async () => {
    const c = edgeClient(stateDir, 'patient-api');
    const victim = (await listReplicas(engine!, id, 'patient-api'))[1]!;
    const load = steadyLoad(c, '/Patient?name=nobody', {
      concurrency: 8,
      durationMs: 6000,
      maxRequests: 4000,
    });
    await new Promise((r) => setTimeout(r, 2000));
    await engine!.killContainer(victim.id);
    // The engine answers once the process is dead: whatever starts after this must succeed.
    const killedAt = Date.now();
    const result = await load;
    c.agent.destroy();
    // Only what was in flight on the victim may fail: at most one request per load loop.
    console.log(
      `SIGKILL under load: ${result.ok} ok, ${result.failed.length} failed: ${JSON.stringify(result.failed.map((f) => ({ ms: f.at - killedAt, error: f.error })))}`,
    );
    expect(result.failed.length, JSON.stringify(result.failed.slice(0, 5))).toBeLessThanOrEqual(8);
    for (const f of result.failed) expect(f.at, JSON.stringify(f)).toBeLessThan(killedAt);
    expect(result.ok).toBeGreaterThan(100);
    await engine!.removeContainer(victim.id, { force: true });
    const again = await rehearsal(['scale', 'patient-api', '3'], { cwd: project.dir });
    expect(again.exitCode, again.stderr).toBe(0);
  });

  it('drains a replica before a scale-down: zero failed requests under load', async () => {
    const c = edgeClient(stateDir, 'patient-api');
    const load = steadyLoad(c, '/Patient?name=nobody', {
      concurrency: 8,
      durationMs: 8000,
      maxRequests: 5000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    const down = await rehearsal(['scale', 'patient-api', '2'], { cwd: project.dir });
    expect(down.exitCode, down.stderr).toBe(0);
    const result = await load;
    c.agent.destroy();
    expect(result.failed, JSON.stringify(result.failed.slice(0, 5))).toEqual([]);
    expect(result.ok).toBeGreaterThan(100);
  });

  it('renews its certificate while running: the proxy serves the new one without a restart', async () => {
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(
          {
            host: '127.0.0.1',
            port: 8443,
            servername: HOST,
            ca: readFileSync(join(stateDir, 'ca/root.pem')),
          },
          () => {
            resolve(socket.getPeerCertificate().serialNumber);
            socket.end();
          },
        );
        socket.on('error', reject);
      });
    const before = await served();
    const inSixDaysAndAHalf = new Date(Date.now() + 6.5 * 24 * 3600 * 1000);
    expect(await renewEdgeCertificate(plan, engine!, () => undefined, inSixDaysAndAHalf)).toBe(
      true,
    );
    expect(await served()).not.toBe(before);
  });

  it('loads in headless Chromium that trusts the root, with no certificate error', async () => {
    const { browser, close } = await trustingChromium(stateDir);
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      const res = await page.goto(`https://${HOST}:8443/metadata`);
      expect(res?.status()).toBe(200);
      expect(await page.textContent('body')).toContain('CapabilityStatement');
      // The page is JSON: the browser's own favicon request 404s; nothing else may fail.
      expect(errors.filter((e) => !/favicon|status of 404/.test(e))).toEqual([]);
      const security = await res?.securityDetails();
      expect(security?.issuer).toContain('Rehearsal');
    } finally {
      await close();
    }
  });
});
