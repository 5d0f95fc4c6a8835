import { describe, expect, it } from 'vitest';
import { LABEL } from '../../../sandbox/labels.js';
import { down } from '../../../sandbox/sandbox/down.js';
import { readDesired } from '../../../sandbox/sandbox/state.js';
import { up } from '../../../sandbox/sandbox/up.js';
import { bench, named } from './helpers.js';

describe('up and down on the in-memory engine', () => {
  it('up starts every service healthy, labelled with the sandbox, and records the desired counts', async () => {
    await using b = await bench();
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const tasks = b.plan.services.filter((s) => s.role !== 'cron' && s.role !== 'init');
    const expected = tasks.reduce((n, s) => n + s.replicas, 0);
    expect(named(b.engine, 'running')).toHaveLength(expected);
    for (const c of b.engine.containers.values())
      expect(c.spec.labels[LABEL.sandbox]).toBe(b.plan.sandboxId);
    expect([...b.engine.networks.keys()]).toContain(b.plan.network);
    expect(b.of('replica.healthy')).toHaveLength(expected);
    expect(b.of('sandbox.ready')).toMatchObject([
      { sandboxId: b.plan.sandboxId, replicas: expected },
    ]);
    expect(await readDesired(b.plan.stateDir)).toEqual(
      Object.fromEntries(tasks.map((s) => [s.name, s.replicas])),
    );
  });

  it('a second up changes nothing that runs as planned', async () => {
    await using b = await bench();
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const before = b.engine.journal.length;
    await up(b.plan, { engine: b.engine, emit: b.emit });
    expect(b.engine.journal.slice(before)).toEqual([]);
  });

  it('a replica left exited is removed; up keeps the running count unless one was asked for', async () => {
    await using b = await bench();
    const task = b.plan.services.find((s) => s.role === 'task')!;
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const victim = `${b.plan.sandboxId}-${task.name}-1`;
    b.engine.die(victim);
    const before = b.engine.journal.length;
    // Two still run, within the bounds: a plain `up` keeps two (a user may have scaled down).
    await up(b.plan, { engine: b.engine, emit: b.emit });
    expect(b.engine.journal.slice(before)).toEqual([`remove ${victim}`]);
    expect(b.of('replica.stopping').at(-1)).toMatchObject({
      container: victim,
      reason: 'it was left exited',
    });
    // `--replicas` (or the overlay) asks for the plan's count: the missing number comes back.
    await up(b.plan, { engine: b.engine, emit: b.emit, replicasExplicit: true });
    expect(b.engine.journal.slice(before + 1)).toEqual([`create ${victim}`, `start ${victim}`]);
    expect(named(b.engine, 'running').filter((n) => n.includes(task.name))).toHaveLength(
      task.replicas,
    );
  });

  it('up refuses a sandbox of the same name that runs for another declaration', async () => {
    await using b = await bench();
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const other = { ...b.plan, declarationFile: '/elsewhere/marketplace.json' };
    await expect(up(other, { engine: b.engine, emit: b.emit })).rejects.toThrow(
      /already runs for another declaration/,
    );
  });

  it('down removes containers and networks, and the volumes only when asked', async () => {
    await using b = await bench();
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const volumes = b.engine.volumes.size;
    const kept = await down(b.plan.sandboxId, { engine: b.engine, emit: b.emit });
    expect(b.engine.containers.size).toBe(0);
    expect(b.engine.networks.size).toBe(0);
    expect(kept.volumes).toBe(0);
    expect(b.engine.volumes.size).toBe(volumes);

    await up(b.plan, { engine: b.engine, emit: b.emit });
    // A paused replica is killed, not stopped: a frozen process cannot take SIGTERM.
    const paused = [...b.engine.containers.values()][0]!;
    await b.engine.pauseContainer(paused.id);
    const all = await down(b.plan.sandboxId, { engine: b.engine, emit: b.emit, volumes: true });
    expect(all.volumes).toBe(volumes);
    expect(b.engine.volumes.size).toBe(0);
    expect(b.engine.journal).toContain(`kill ${paused.spec.name}`);
    expect(b.of('sandbox.removed')).toHaveLength(2);
  });
});

describe('replica counts asked for', () => {
  it("one task's own count is set; another task keeps the count it runs with", async () => {
    await using b = await bench();
    const api = b.plan.services.find((s) => s.kind === 'web')!;
    const worker = b.plan.services.find((s) => s.kind === 'worker')!;
    await up(b.plan, { engine: b.engine, emit: b.emit });
    b.engine.die(`${b.plan.sandboxId}-${api.name}-1`);
    b.engine.die(`${b.plan.sandboxId}-${worker.name}-1`);
    await up(b.plan, { engine: b.engine, emit: b.emit, replicasExplicit: [worker.name] });
    const running = named(b.engine, 'running');
    expect(running.filter((n) => n.includes(`-${api.name}-`))).toHaveLength(api.replicas - 1);
    expect(running.filter((n) => n.includes(`-${worker.name}-`))).toHaveLength(worker.replicas);
  });
});

describe('task kinds on the in-memory engine', () => {
  it('the initialization task runs to completion before any web or worker replica starts, once', async () => {
    await using b = await bench();
    const init = b.plan.services.find((s) => s.role === 'init')!;
    expect(init.kind).toBe('initialization');
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const started = b.engine.journal.filter((j) => j.startsWith('start '));
    const first = (kind: string) =>
      started.findIndex((j) =>
        b.plan.services.some((s) => s.kind === kind && j.includes(`-${s.name}-`)),
      );
    expect(first('initialization')).toBeGreaterThanOrEqual(0);
    expect(first('initialization')).toBeLessThan(first('web'));
    expect(first('initialization')).toBeLessThan(first('worker'));
    expect(b.of('init.finished')).toMatchObject([{ service: init.name, exitCode: 0 }]);
    // The worker's replicas are healthy without a port to probe.
    const worker = b.plan.services.find((s) => s.kind === 'worker')!;
    expect(b.of('replica.healthy').filter((e) => e.service === worker.name)).toHaveLength(
      worker.replicas,
    );
    // Its container stays, completed: a second up does not run it again.
    const before = b.engine.journal.length;
    await up(b.plan, { engine: b.engine, emit: b.emit });
    expect(b.engine.journal.slice(before)).toEqual([]);
    expect(b.of('init.finished').at(-1)).toMatchObject({ earlier: true });
  });

  it('a failing initialization task stops up with its exit code and last lines; down leaves nothing', async () => {
    await using b = await bench();
    b.engine.oneShot = (spec) => (spec.labels[LABEL.role] === 'init' ? 3 : undefined);
    b.engine.oneShotOutput = ['{"level":"error","msg":"schema migration failed"}'];
    const init = b.plan.services.find((s) => s.role === 'init')!;
    const error = await up(b.plan, { engine: b.engine, emit: b.emit }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^initialization task ${init.name} failed with exit code 3; the web and worker tasks were not started\\nLast output:\\n.*schema migration failed`,
        's',
      ),
    );
    // No web or worker replica was created.
    for (const s of b.plan.services.filter((x) => x.role === 'task'))
      expect(named(b.engine).some((n) => n.includes(`-${s.name}-`))).toBe(false);
    await down(b.plan.sandboxId, { engine: b.engine, emit: b.emit, volumes: true });
    expect(named(b.engine)).toEqual([]);
    expect([...b.engine.networks.keys()]).toEqual([]);
  });
});
