import { describe, expect, it } from 'vitest';
import { scale } from '../../../sandbox/sandbox/scale.js';
import { readDesired } from '../../../sandbox/sandbox/state.js';
import { supervise } from '../../../sandbox/sandbox/supervise.js';
import { up } from '../../../sandbox/sandbox/up.js';
import { bench, named, type Bench } from './helpers.js';

const taskOf = (b: Bench) => b.plan.services.find((s) => s.role === 'task')!;
const replicasOf = (b: Bench, state = 'running') =>
  named(b.engine, state).filter((n) => n.includes(`-${taskOf(b).name}-`));

/** Starts the supervisor with a short settle time; the returned function stops it. */
function supervising(b: Bench): () => Promise<void> {
  const stop = new AbortController();
  const running = supervise(b.plan, {
    engine: b.engine,
    emit: b.emit,
    signal: stop.signal,
    settleMs: 10,
  });
  return async () => {
    stop.abort();
    await running;
  };
}

/** Resolves once `check` holds, polling: the supervisor works on its own timers. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

describe('scale on the in-memory engine', () => {
  it('adds the lowest free numbers, removes the newest first, and records the count', async () => {
    await using b = await bench();
    const task = taskOf(b);
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const p = (n: number) => `${b.plan.sandboxId}-${task.name}-${n}`;

    expect(await scale(b.plan, task.name, 5, { engine: b.engine, emit: b.emit })).toEqual({
      added: [p(4), p(5)],
      removed: [],
    });
    expect(replicasOf(b)).toHaveLength(5);

    const down = await scale(b.plan, task.name, 2, { engine: b.engine, emit: b.emit });
    expect(down.added).toEqual([]);
    expect(down.removed.sort()).toEqual([p(3), p(4), p(5)]);
    expect(replicasOf(b)).toEqual([p(1), p(2)]);
    // Each one went through a graceful stop before its removal, never a kill.
    for (const n of down.removed) {
      const journal = b.engine.journal.filter((l) => l.endsWith(` ${n}`));
      expect(journal.slice(-2)).toEqual([`stop ${n}`, `remove ${n}`]);
    }
    expect((await readDesired(b.plan.stateDir))?.[task.name]).toBe(2);
  });

  it('refuses a count outside the declared bounds and a service that is not a task', async () => {
    await using b = await bench();
    const task = taskOf(b);
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const options = { engine: b.engine, emit: b.emit };
    await expect(scale(b.plan, task.name, 1, options)).rejects.toThrow(/allows 2\.\.6 instances/);
    await expect(scale(b.plan, task.name, 7, options)).rejects.toThrow(/allows 2\.\.6 instances/);
    await expect(scale(b.plan, 'database', 2, options)).rejects.toThrow(/is not a task/);
    expect(replicasOf(b)).toHaveLength(task.replicas);
  });
});

describe('the supervisor on the in-memory engine', () => {
  it('replaces a replica that dies with a healthy one under the same number', async () => {
    await using b = await bench();
    const task = taskOf(b);
    await up(b.plan, { engine: b.engine, emit: b.emit });
    const stop = supervising(b);
    const victim = `${b.plan.sandboxId}-${task.name}-2`;
    const before = b.engine.byName(victim)!.id;
    b.engine.die(victim, 139);
    await until(() => b.of('replica.replaced').length > 0);
    await stop();

    expect(b.of('replica.died')).toMatchObject([{ container: victim, exitCode: 139 }]);
    expect(b.of('replica.replaced')).toMatchObject([
      { service: task.name, died: victim, replacement: victim },
    ]);
    expect(b.engine.byName(victim)?.id).not.toBe(before);
    expect(replicasOf(b)).toHaveLength(task.replicas);
  });

  it('keeps the count scale recorded, and leaves a paused replica alone', async () => {
    await using b = await bench();
    const task = taskOf(b);
    await up(b.plan, { engine: b.engine, emit: b.emit });
    await scale(b.plan, task.name, 4, { engine: b.engine, emit: b.emit });
    const paused = b.engine.byName(`${b.plan.sandboxId}-${task.name}-1`)!;
    await b.engine.pauseContainer(paused.id);
    const stop = supervising(b);
    b.engine.die(`${b.plan.sandboxId}-${task.name}-4`);
    await until(() => b.of('replica.replaced').length > 0);
    await stop();
    // A pause is not a death: the frozen replica stays, and the dead one comes back (4, not 3).
    expect(paused.state).toBe('paused');
    expect(replicasOf(b)).toHaveLength(3);
    expect(replicasOf(b, 'paused')).toHaveLength(1);
    expect(b.of('replica.died')).toHaveLength(1);
  });
});
