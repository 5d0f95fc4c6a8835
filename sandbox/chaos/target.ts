/** The task chaos aims at: which one, the bounds its count stays within, and the actions. */

import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { readDesired } from '../sandbox/state.js';
import { CHAOS_KINDS, type ChaosAction, type ChaosKind } from './action.js';
import type { ChaosPlatform } from './platform.js';
import type { ChaosSettings } from './report.js';
import { randomSchedule, type Bounds } from './schedule.js';

/** The task chaos aims at and the bounds every scaling stays within. */
export async function chaosTarget(
  plan: Plan,
  name?: string,
): Promise<{ service: ServicePlan; bounds: Bounds }> {
  const tasks = plan.services.filter((s) => s.role === 'task' && s.probe);
  const service = name
    ? tasks.find((s) => s.name === name)
    : tasks.find((s) => plan.proxy?.routes.some((r) => r.service === s.name));
  if (!service || !plan.proxy?.routes.some((r) => r.service === service.name)) {
    throw new UserError(
      name
        ? `"${name}" is not an HTTP task behind the sandbox's TLS edge`
        : 'chaos needs an HTTP task behind the TLS edge, and this sandbox has none',
      {
        hint: `Chaos drives traffic through the edge: pick one of ${tasks.map((t) => t.name).join(', ') || '(none)'}.`,
      },
    );
  }
  const min = service.instancesMinimum;
  const max = service.instancesMaximum ?? min + 4;
  const desired = (await readDesired(plan.stateDir))?.[service.name] ?? service.replicas;
  return { service, bounds: { min, max, initial: Math.min(max, Math.max(min, desired)) } };
}

/** The actions a run will take: the scenario's or replayed ones, else the seed's random schedule. */
export function chaosSchedule(
  settings: ChaosSettings,
  bounds: Bounds,
  database: boolean,
  kinds: readonly ChaosKind[] = CHAOS_KINDS,
): ChaosAction[] {
  return (
    settings.actions ??
    randomSchedule({
      seed: settings.seed,
      durationMs: settings.durationMs,
      perMinute: settings.perMinute,
      bounds,
      database,
      kinds,
    })
  );
}

/** Brings the task back to the count it had before the run, and waits for it. */
export async function restoreCount(
  plan: Plan,
  service: ServicePlan,
  count: number,
  platform: ChaosPlatform,
  options: { engine: Engine; emit: Emit },
): Promise<void> {
  const desired = (await readDesired(plan.stateDir))?.[service.name];
  if (desired !== count) await platform.scale(plan, service.name, count, options);
}
