import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { freeNumbers, listReplicas, replicaSpec } from './replicas.js';

/**
 * Runs a cron task once as a one-off container (compose's `oneoff` label set), waits for it to
 * exit, and removes it. Returns its exit code.
 */
export async function runCronOnce(
  plan: Plan,
  s: ServicePlan,
  engine: Engine,
  emit: Emit,
  signal?: AbortSignal,
): Promise<number> {
  const used = (await listReplicas(engine, plan.sandboxId, s.name)).map((r) => r.number);
  const n = freeNumbers(used, 1)[0] ?? 1;
  const spec = await replicaSpec(plan, s, n);
  spec.name = `${plan.sandboxId}-${s.name}-run-${n}`;
  spec.labels[LABEL.composeOneoff] = 'True';
  const start = Date.now();
  const id = await engine.createContainer(spec);
  try {
    await engine.startContainer(id);
    emit({ type: 'cron.started', service: s.name, container: spec.name, schedule: s.cron ?? '' });
    for (;;) {
      const d = await engine.inspectContainer(id);
      if (d.state === 'exited' || d.state === 'dead') {
        emit({
          type: 'cron.finished',
          service: s.name,
          container: spec.name,
          exitCode: d.exitCode,
          ms: Date.now() - start,
        });
        return d.exitCode;
      }
      if (signal?.aborted) {
        await engine.stopContainer(id, s.stopGraceSeconds);
        continue;
      }
      await sleep(500);
    }
  } finally {
    await engine.removeContainer(id, { force: true });
  }
}

/** Schedules every cron task of the plan until the signal aborts. */
export function scheduleCron(plan: Plan, engine: Engine, emit: Emit, signal: AbortSignal): void {
  for (const s of plan.services.filter((x) => x.role === 'cron' && x.cron)) {
    const job = new Cron(s.cron as string, { protect: true }, async () => {
      try {
        await runCronOnce(plan, s, engine, emit, signal);
      } catch (err) {
        emit({
          type: 'warning',
          message: `cron ${s.name} failed to run: ${(err as Error).message}`,
        });
      }
    });
    signal.addEventListener('abort', () => job.stop(), { once: true });
  }
}
