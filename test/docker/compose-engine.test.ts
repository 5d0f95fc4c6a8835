import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../sandbox/chaos/run.js';
import { LABEL } from '../../sandbox/labels.js';
import type { SandboxOnEngine } from '../../sandbox/sandbox/on-engine.js';
import { listReplicas } from '../../sandbox/sandbox/replicas.js';
import { REFERENCE, rehearsal, tempDir } from '../helpers/cli.js';
import { composePs, composeV2, dockerCompose, phaseTimer } from '../helpers/compose.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();
const available = engine !== undefined && (await composeV2());
const ID = 'rt-compose-engine';
const SERVICE = 'patient-api';
// This file's own edge port, so it never meets another sandbox.
const env = {
  REHEARSAL_IMAGES: process.env.REHEARSAL_IMAGES ?? '',
  REHEARSAL_PROXY_PORT: '39481',
};
const timer = phaseTimer();

afterAll(() => timer.report('compose-engine.test.ts'));

describe.skipIf(!available)('`--engine compose`: the sandbox as a Docker Compose project', () => {
  const project = tempDir('rehearsal-compose-engine-');
  const dir = project.dir;
  const run = (args: string[], timeoutMs = 240_000) =>
    rehearsal(args, { cwd: dir, env, timeoutMs });

  beforeAll(async () => {
    await removeSandbox(engine!, ID);
    writeFileSync(join(dir, 'marketplace.json'), readFileSync(join(REFERENCE, 'marketplace.json')));
    // The later profile's 15 s stop budget keeps a stop short; 3 replicas leave room for a
    // fault above instances_minimum (2).
    writeFileSync(
      join(dir, 'rehearsal.yaml'),
      `sandbox: { name: ${ID} }\nprofile: hl7-hsp-r2\nreplicas: 3\ndatabase: { kind: postgres, version: "16" }\n` +
        `tasks:\n  "Patient API":\n    name: ${SERVICE}\n    health: { path: /health, port: 8080 }\n    bind: { DATABASE_URL: database.url }\n`,
    );
  });

  afterAll(async () => {
    await dockerCompose(ID, ['down', '-v']);
    if (engine) await removeSandbox(engine, ID);
    project.remove();
  });

  it('`up --engine compose` is made by `docker compose up`: compose lists it as its own project', async () => {
    const up = await timer.time('rehearsal up --detach --engine compose', () =>
      run(['up', '--detach', '--engine', 'compose']),
    );
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/rehearsal down --engine compose/);
    const ps = await composePs(ID);
    // The reference service's three kinds: its initialization task completed (compose's
    // service_completed_successfully) before the web task and the worker started.
    expect(ps.map((c) => `${c.Service} ${c.State} ${c.Health}`.trim()).sort()).toEqual([
      'database running healthy',
      ...Array.from({ length: 3 }, () => `${SERVICE} running healthy`),
      'proxy running healthy',
      'schema-migration exited',
      ...Array.from({ length: 3 }, () => 'session-expiry running healthy'),
    ]);
    // Compose's own labels: the file it was made from, so `docker compose up` in that folder
    // finds every container current.
    for (const r of await listReplicas(engine!, ID))
      expect(r.labels[LABEL.composeConfigFiles]).toMatch(
        /\.rehearsal\/rt-compose-engine\/compose\.yaml$/,
      );
  });

  it('`chaos --engine compose` passes the four verdicts on the reference service', async () => {
    writeFileSync(
      join(dir, 'faults.yaml'),
      [
        '- { at: 2s, action: kill, target: 0 }',
        '- { at: 5s, action: scale, to: 4 }',
        '- { at: 10s, action: kill, target: 1 }',
        '- { at: 13s, action: stop, target: 2 }',
        '- { at: 16s, action: replace-all }',
        '- { at: 24s, action: scale, to: 3 }',
        '',
      ].join('\n'),
    );
    const r = await timer.time('rehearsal chaos --engine compose (30 s)', () =>
      run(
        [
          'chaos',
          '--engine',
          'compose',
          '--scenario',
          'faults.yaml',
          '--duration',
          '30',
          '--rps',
          '15',
          '--json',
        ],
        300_000,
      ),
    );
    const report = r.stdout.trim() ? (JSON.parse(r.stdout) as ChaosReport) : undefined;
    const verdicts = report?.verdicts.map((v) => [v.requirement, v.outcome]);
    expect(verdicts, `${r.stderr}\n${JSON.stringify(report?.verdicts, null, 1)}`).toEqual([
      ['ephemeral', 'pass'],
      ['stateless', 'pass'],
      ['incorruptible', 'pass'],
      ['scalable', 'pass'],
    ]);
    expect(r.exitCode).toBe(0);
    expect(report!.engine).toBe('compose');
    expect(report!.traffic.lostWrites).toBe(0);
    console.log(
      `compose chaos: ${report!.actions.length} actions, ${report!.traffic.rps} req/s over ${report!.traffic.seconds} s, ` +
        `${report!.traffic.acknowledgedWrites} writes acknowledged, errors ${JSON.stringify(report!.traffic.errors)}`,
    );
    // Compose still counts every replica (the supervisor's replacements too) as its project's.
    const ps = await composePs(ID);
    expect(ps.filter((c) => c.Service === SERVICE && c.State === 'running')).toHaveLength(3);
  }, 320_000);

  it('from another folder: `ls` lists it, `ps -p` reads it, `down -p` removes it, also with .rehearsal/ gone', async () => {
    const elsewhere = tempDir('rehearsal-elsewhere-');
    const from = (args: string[]) =>
      rehearsal(args, { cwd: elsewhere.dir, env, timeoutMs: 240_000 });
    try {
      const ls = await from(['ls', '--json']);
      expect(ls.exitCode, ls.stderr).toBe(0);
      const mine = (JSON.parse(ls.stdout) as SandboxOnEngine[]).find((x) => x.name === ID);
      expect(mine).toMatchObject({ engine: 'compose', stateDir: join(dir, '.rehearsal', ID) });
      const ps = await from(['ps', '-p', ID, '--json']);
      expect(ps.exitCode, ps.stderr).toBe(0);
      expect((JSON.parse(ps.stdout) as { sandboxId: string }).sandboxId).toBe(ID);
      const down = await timer.time('rehearsal down --engine compose -p (another folder)', () =>
        from(['down', '--engine', 'compose', '-p', ID]),
      );
      expect(down.exitCode, down.stderr).toBe(0);
      const kept = await labelled(engine!, ID);
      expect(kept.containers).toEqual([]);
      expect(kept.volumes.length).toBeGreaterThan(0);
      // The state folder gone too: what is labelled with the name still goes.
      rmSync(join(dir, '.rehearsal'), { recursive: true, force: true });
      const gone = await from(['down', '-p', ID, '--volumes']);
      expect(gone.exitCode, gone.stderr).toBe(0);
      expect(await labelled(engine!, ID)).toEqual({ containers: [], networks: [], volumes: [] });
      expect(await composePs(ID)).toEqual([]);
      const again = await from(['down', '-p', ID]);
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toMatch(/no sandbox named "rt-compose-engine" here or on the engine/);
    } finally {
      elsewhere.remove();
    }
  });
});
