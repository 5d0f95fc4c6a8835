import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { drainAtEdge, edgeAdmin, forgetAtEdge } from './edge-admin.js';
import { healthyEvent, waitHealthy } from './health.js';
import { containerName, freeNumbers, listReplicas, newestFirst } from './replicas.js';
import { readDesired, writeDesired } from './state.js';
import { startReplicas } from './up.js';

export interface ScaleOptions {
  engine: Engine;
  emit: Emit;
  signal?: AbortSignal;
  healthTimeoutMs?: number;
}

/**
 * Sets the number of running replicas of a task, within its declared bounds. Scaling up waits
 * until the new replicas are healthy; scaling down removes the newest replicas first, each with a
 * graceful stop (SIGTERM, then SIGKILL after the profile's stop budget).
 */
export async function scale(
  plan: Plan,
  serviceName: string,
  count: number,
  options: ScaleOptions,
): Promise<{ added: string[]; removed: string[] }> {
  const { engine, emit } = options;
  const s = scalableTask(plan, serviceName, count);
  const running = (await listReplicas(engine, plan.sandboxId, s.name)).filter(
    (r) => r.state === 'running',
  );
  const removing = newestFirst(running).slice(0, Math.max(0, running.length - count));
  const numbers = freeNumbers(
    running.map((r) => r.number),
    Math.max(0, count - running.length),
  );
  emit({
    type: 'scale.planned',
    service: s.name,
    from: running.length,
    to: count,
    adding: numbers.map((n) => containerName(plan, s.name, n)),
    removing: removing.map((r) => r.name),
  });
  await writeDesired(plan.stateDir, { ...(await readDesired(plan.stateDir)), [s.name]: count });
  const started = await startReplicas(plan, s, numbers, options);
  await Promise.all(
    started.map(async (r) => {
      const ms = await waitHealthy(engine, r.id, r.name, s, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.healthTimeoutMs ? { timeoutMs: options.healthTimeoutMs } : {}),
      });
      emit(healthyEvent(s.name, r, ms));
    }),
  );
  // Only a task behind the edge is drained there first; a worker takes no requests.
  const routed = plan.proxy?.routes.some((r) => r.service === s.name) ?? false;
  const admin = removing.length > 0 && routed ? await edgeAdmin(plan, engine) : undefined;
  for (const r of removing) {
    const ip = admin ? (await engine.inspectContainer(r.id)).ipAddress : undefined;
    if (admin && ip) await drainAtEdge(admin, s.name, ip);
    emit({
      type: 'replica.stopping',
      service: s.name,
      replica: r.number,
      container: r.name,
      reason: `scale to ${count}`,
    });
    await engine.stopContainer(r.id, s.stopGraceSeconds);
    await engine.removeContainer(r.id, { force: true });
    if (admin && ip) await forgetAtEdge(admin, s.name, ip);
    emit({ type: 'replica.removed', service: s.name, replica: r.number, container: r.name });
  }
  return { added: started.map((r) => r.name), removed: removing.map((r) => r.name) };
}

/** The task `serviceName` names, when `count` is within its declared bounds; else why not. */
export function scalableTask(plan: Plan, serviceName: string, count: number): ServicePlan {
  const s = plan.services.find((x) => x.name === serviceName);
  const tasks = plan.services.filter((x) => x.role === 'task').map((x) => x.name);
  if (!s || s.role !== 'task') {
    throw new UserError(`"${serviceName}" is not a task of sandbox "${plan.sandboxId}"`, {
      hint: `Scale one of: ${tasks.join(', ') || '(no scalable tasks)'}.`,
    });
  }
  const max = s.instancesMaximum ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(count) || count < s.instancesMinimum || count > max) {
    throw new UserError(
      `cannot scale "${s.name}" to ${count}: the declaration allows ${s.instancesMinimum}..${Number.isFinite(max) ? max : 'unlimited'} instances`,
      {
        hint: 'instances_minimum and instances_maximum in marketplace.json bound every scaling action; pick a count inside them.',
      },
    );
  }
  return s;
}
