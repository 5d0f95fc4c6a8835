import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RehearsalEvent } from '../../sandbox/events.js';
import { imageModeFromEnv, nodeImage } from '../../sandbox/images/catalogue.js';
import type { Plan, ServicePlan } from '../../sandbox/plan/types.js';
import { runCronOnce } from '../../sandbox/sandbox/cron.js';
import { sandboxLogs } from '../../sandbox/sandbox/logs.js';
import { listReplicas } from '../../sandbox/sandbox/replicas.js';
import { scale } from '../../sandbox/sandbox/scale.js';
import { readState } from '../../sandbox/sandbox/state.js';
import { killReplica, supervise } from '../../sandbox/sandbox/supervise.js';
import { editFile, referenceProject, rehearsal } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();

describe.skipIf(!engine)('a running sandbox, driven through the core', () => {
  const id = 'rt-lifecycle';
  const project = referenceProject(id);
  let plan: Plan;
  let upOutput = '';

  beforeAll(async () => {
    const up = await rehearsal(['up', '--detach'], { cwd: project.dir });
    expect(up.exitCode, up.stderr).toBe(0);
    upOutput = up.stderr + up.stdout;
    plan = await readState(join(project.dir, '.rehearsal', id));
  });

  it('brings up the three kinds in order: the migration ran to its end before the API and the worker started', async () => {
    const only = async (service: string) => {
      const [r] = await listReplicas(engine!, id, service);
      return engine!.inspectContainer(r!.id);
    };
    const migrate = await only('migrate');
    expect([migrate.state, migrate.exitCode]).toEqual(['exited', 0]);
    const ended = Date.parse(migrate.finishedAt!);
    for (const service of ['patient-api', 'session-expiry']) {
      const replicas = await listReplicas(engine!, id, service);
      expect(replicas.length, service).toBeGreaterThan(0);
      for (const r of replicas) {
        const d = await engine!.inspectContainer(r.id);
        expect(d.state, r.name).toBe('running');
        expect(
          Date.parse(d.startedAt!),
          `${r.name} started after the migration ended`,
        ).toBeGreaterThanOrEqual(ended);
      }
    }
    // The worker has no port: healthy by its own health check, and says so.
    const status = await rehearsal(['status'], { cwd: project.dir });
    expect(status.stdout).toMatch(/migrate \(initialization\) completed/);
    expect(status.stdout).toMatch(/session-expiry \(worker\) 1\/1 healthy/);
    expect(status.stdout).toMatch(
      /rt-lifecycle-session-expiry-1 +running +healthy +\S+ +- +its own health check/,
    );
    expect(upOutput).toMatch(/initialization migrate: rt-lifecycle-migrate-1 exited with 0/);
  });

  afterAll(async () => {
    if (engine) await removeSandbox(engine, id);
    project.remove();
  });

  it('replaces a SIGKILLed replica with a healthy one (the supervisor)', async () => {
    const events: RehearsalEvent[] = [];
    const stop = new AbortController();
    const replaced = new Promise<void>((resolve) => {
      const loop = supervise(plan, {
        engine: engine!,
        signal: stop.signal,
        emit: (e) => {
          events.push(e);
          if (e.type === 'replica.replaced') resolve();
        },
      });
      void loop;
    });
    const victim = (await listReplicas(engine!, id, 'patient-api'))[0]!;
    await killReplica(engine!, victim, (e) => events.push(e));
    await Promise.race([
      replaced,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(JSON.stringify(events))), 60_000),
      ),
    ]);
    stop.abort();
    expect(events.find((e) => e.type === 'replica.died')).toMatchObject({
      container: victim.name,
      exitCode: 137,
    });
    const after = (await listReplicas(engine!, id, 'patient-api')).filter(
      (r) => r.state === 'running',
    );
    expect(after).toHaveLength(3);
    expect(after.map((r) => r.id)).not.toContain(victim.id);
  });

  it('follows the logs of replicas started after it began (logs --follow)', async () => {
    const stop = new AbortController();
    const seen = new Set<string>();
    const reading = (async () => {
      for await (const l of sandboxLogs(engine!, id, {
        service: 'patient-api',
        follow: true,
        tail: 0,
        signal: stop.signal,
      })) {
        seen.add(l.container);
        if (l.container === `${id}-patient-api-4`) stop.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await scale(plan, 'patient-api', 4, { engine: engine!, emit: () => undefined });
    const timeout = setTimeout(() => stop.abort(), 30_000);
    await reading;
    clearTimeout(timeout);
    expect(seen).toContain(`${id}-patient-api-4`);
    await scale(plan, 'patient-api', 3, { engine: engine!, emit: () => undefined });
  });

  it('runs a cron task once as a one-off container and removes it', async () => {
    const task = plan.services.find((s) => s.role === 'task')!;
    const cron: ServicePlan = {
      ...task,
      name: 'nightly',
      role: 'cron',
      image: { tag: nodeImage(imageModeFromEnv()) },
      command: ['-e', 'console.log("nightly run"); process.exit(3)'],
      environment: {},
      ports: [],
      replicas: 0,
      cron: '0 0 * * *',
    };
    delete cron.probe;
    const events: RehearsalEvent[] = [];
    expect(await runCronOnce(plan, cron, engine!, (e) => events.push(e))).toBe(3);
    expect(events.map((e) => e.type)).toEqual(['cron.started', 'cron.finished']);
    expect((await listReplicas(engine!, id, 'nightly')).length).toBe(0);
  });

  // Last: it leaves the sandbox removed.
  it('a failing initialization task stops up with its exit code and last lines; down leaves nothing', async () => {
    editFile(join(project.dir, 'marketplace.json'), '"--role=migrate"', '"--role=migrate-typo"');
    const up = await rehearsal(['up', '--detach'], { cwd: project.dir });
    expect(up.exitCode, up.stderr).toBe(2);
    expect(up.stderr).toMatch(
      /initialization task migrate failed with exit code 2; the web and worker tasks were not started\nLast output:\n.*unknown role/s,
    );
    const down = await rehearsal(['down', '--volumes'], { cwd: project.dir });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labelled(engine!, id)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
