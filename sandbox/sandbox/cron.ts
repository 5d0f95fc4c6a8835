import { Cron } from 'croner';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { runOneOff } from './one-off.js';

/**
 * Runs a cron task once as a one-off container, waits for it to exit, and removes it. Returns
 * its exit code.
 */
export async function runCronOnce(
  plan: Plan,
  s: ServicePlan,
  engine: Engine,
  emit: Emit,
  signal?: AbortSignal,
): Promise<number> {
  const r = await runOneOff(plan, s, engine, {
    kind: 'run',
    ...(signal ? { signal } : {}),
    onStart: (container) =>
      emit({ type: 'cron.started', service: s.name, container, schedule: s.cron ?? '' }),
  });
  emit({
    type: 'cron.finished',
    service: s.name,
    container: r.container,
    exitCode: r.exitCode,
    ms: r.ms,
  });
  return r.exitCode;
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
