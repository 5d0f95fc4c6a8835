import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, rehearsal, tempDir } from '../helpers/cli.js';
import { composePs, composeV2, dockerCompose, phaseTimer } from '../helpers/compose.js';
import { databaseProbeProject, DATABASE_PROBES } from '../helpers/database-probe.js';
import { edgeClient, edgeRequest } from '../helpers/edge.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();
const available = engine !== undefined && (await composeV2());
// This file's own edge ports, so it never meets another sandbox on 8443.
const PORT = 39443;
const ID = 'rt-compose';
const timer = phaseTimer();
const nothing = { containers: [], networks: [], volumes: [] };
// The reference sandbox's containers, by service: two replicas and every helper.
// The initialization task's container stays, exited 0 (`ps --all` lists it); the worker runs once.
const SERVICES = [
  'collector',
  'database',
  'idp',
  'patient-api',
  'patient-api',
  'proxy',
  'schema-migration',
  'session-expiry',
];
/** Services that run to completion: `up --wait` leaves them exited 0, not running. */
const ONE_SHOT = new Set(['schema-migration']);

/** The reference service with the IdP (sso) and the trace collector (a declared OTLP variable). */
function referenceWithHelpers(dir: string): void {
  const m = JSON.parse(readFileSync(join(REFERENCE, 'marketplace.json'), 'utf8')) as {
    configuration: { task: { environment: unknown[] }[] }[];
  };
  m.configuration[0]!.task[0]!.environment.push({
    key: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    required: false,
    description: 'OTLP/HTTP endpoint',
  });
  writeFileSync(join(dir, 'marketplace.json'), JSON.stringify(m, null, 2));
  writeFileSync(
    join(dir, 'rehearsal.yaml'),
    `sandbox: { name: ${ID} }\ndatabase: { kind: postgres }\nreplicas: 2\ntasks:\n  "Patient API":\n` +
      `    name: patient-api\n    health: { path: /health, port: 8080 }\n    sso: true\n` +
      `    bind: { DATABASE_URL: database.url }\n  "Session Expiry":\n    replicas: 1\n`,
  );
}

/** `up -d --wait` on a compose file, then every container running and healthy. */
async function upHealthy(project: string, file: string): Promise<string[]> {
  const up = await dockerCompose(project, ['-f', file, 'up', '-d', '--wait']);
  expect(up.exitCode, up.stderr).toBe(0);
  const ps = await composePs(project);
  for (const c of ps)
    expect(`${c.Name} ${c.State} ${c.Health}`).toBe(
      ONE_SHOT.has(c.Service) ? `${c.Name} exited ` : `${c.Name} running healthy`,
    );
  return ps.map((c) => c.Service).sort();
}

afterAll(() => timer.report('compose-v2.test.ts'));

describe.skipIf(!available)(
  'the compose.yaml `rehearsal up` writes, under docker compose v2',
  () => {
    const project = tempDir();
    const stateDir = join(project.dir, '.rehearsal', ID);
    const file = join(stateDir, 'compose.yaml');
    const env = { REHEARSAL_PROXY_PORT: String(PORT) };

    beforeAll(async () => {
      await removeSandbox(engine!, ID);
      referenceWithHelpers(project.dir);
    });

    afterAll(async () => {
      await dockerCompose(ID, ['-f', file, 'down', '-v']);
      if (engine) await removeSandbox(engine, ID);
      project.remove();
    });

    it('`docker compose ps` lists the sandbox `rehearsal up` made', async () => {
      const up = await timer.time('rehearsal up --detach', () =>
        rehearsal(['up', '--detach'], { cwd: project.dir, env }),
      );
      expect(up.exitCode, up.stderr).toBe(0);
      const ps = await composePs(ID);
      expect(ps.map((c) => c.Service).sort()).toEqual(SERVICES);
      const down = await timer.time('rehearsal down', () =>
        rehearsal(['down'], { cwd: project.dir, env }),
      );
      expect(down.exitCode, down.stderr).toBe(0);
    });

    it('runs as written: every replica healthy, the edge serving, a cross-replica round trip', async () => {
      const services = await timer.time('docker compose up -d --wait (reference)', () =>
        upHealthy(ID, file),
      );
      expect(services).toEqual(SERVICES);
      const edge = edgeClient(stateDir, 'patient-api', PORT, false);
      try {
        const patient = { resourceType: 'Patient', name: [{ family: 'Compose', given: ['Ada'] }] };
        const created = await edgeRequest(edge, '/Patient', {
          method: 'POST',
          body: JSON.stringify(patient),
        });
        expect(created.status, created.body).toBe(201);
        const { id } = JSON.parse(created.body) as { id: string };
        const writer = String(created.headers['x-replica']);
        // The edge balances round robin: within a few reads one comes from the other replica.
        let read = await edgeRequest(edge, `/Patient/${id}`);
        for (let i = 0; i < 10 && String(read.headers['x-replica']) === writer; i++)
          read = await edgeRequest(edge, `/Patient/${id}`);
        expect(String(read.headers['x-replica'])).not.toBe(writer);
        expect(read.status).toBe(200);
        expect(JSON.parse(read.body)).toMatchObject({ id, name: [{ family: 'Compose' }] });
        const idp = edgeClient(stateDir, 'idp', PORT, false);
        const discovery = await edgeRequest(idp, '/.well-known/openid-configuration');
        expect(JSON.parse(discovery.body)).toMatchObject({
          issuer: `https://idp.rehearsal.localhost:${PORT}`,
        });
        idp.agent.destroy();
      } finally {
        edge.agent.destroy();
      }
    });

    it('`docker compose down -v` leaves nothing labelled', async () => {
      const down = await timer.time('docker compose down -v (reference)', () =>
        dockerCompose(ID, ['-f', file, 'down', '-v']),
      );
      expect(down.exitCode, down.stderr).toBe(0);
      expect(await labelled(engine!, ID)).toEqual(nothing);
    });

    it('what `export compose` writes runs as written', async () => {
      const out = join(project.dir, 'exported', 'compose.yaml');
      const exported = await rehearsal(['export', 'compose', '-o', out], { cwd: project.dir, env });
      expect(exported.exitCode, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT is left out/);
      const services = await timer.time('docker compose up -d --wait (export)', () =>
        upHealthy(ID, out),
      );
      expect(services).toEqual([
        'database',
        'patient-api',
        'patient-api',
        'schema-migration',
        'session-expiry',
      ]);
      await timer.time('docker compose down -v (export)', () =>
        dockerCompose(ID, ['-f', out, 'down', '-v']),
      );
      expect(await labelled(engine!, ID)).toEqual(nothing);
    });
  },
);

describe.skipIf(!available)('`plan -o DIR` of each database kind, under docker compose v2', () => {
  const kinds = Object.entries(DATABASE_PROBES).map(([kind, probe], i) => ({
    kind,
    id: `rt-compose-${kind}`,
    port: PORT + 1 + i,
    p: databaseProbeProject(`rt-compose-${kind}`, kind, probe.variable, probe.script),
  }));
  const fileOf = (k: (typeof kinds)[number]) => join(k.p.dir, 'out', 'compose.yaml');

  afterAll(async () => {
    for (const k of kinds) {
      await dockerCompose(k.id, ['-f', fileOf(k), 'down', '-v']);
      if (engine) await removeSandbox(engine, k.id);
      k.p.remove();
    }
  });

  it('postgres, mariadb and redis come up healthy and go down leaving nothing', async () => {
    await timer.time('rehearsal plan -o DIR (3 kinds)', () =>
      Promise.all(
        kinds.map(async (k) => {
          const env = { REHEARSAL_PROXY_PORT: String(k.port) };
          const r = await rehearsal(['plan', '-o', 'out'], { cwd: k.p.dir, env });
          expect(r.exitCode, r.stderr).toBe(0);
        }),
      ),
    );
    const services = await timer.time('docker compose up -d --wait (3 kinds, in parallel)', () =>
      Promise.all(kinds.map((k) => upHealthy(k.id, fileOf(k)))),
    );
    for (const s of services) expect(s).toEqual(['database', 'probe', 'probe', 'proxy']);
    await timer.time('docker compose down -v (3 kinds)', () =>
      Promise.all(kinds.map((k) => dockerCompose(k.id, ['-f', fileOf(k), 'down', '-v']))),
    );
    for (const k of kinds) expect(await labelled(engine!, k.id)).toEqual(nothing);
  });
});
