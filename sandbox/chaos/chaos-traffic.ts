/** The traffic of a chaos run: the task's journeys through the TLS edge, at a steady rate. */

import { randomBytes } from 'node:crypto';
import type { Plan, ServicePlan } from '../plan/types.js';
import type { EdgeTarget } from '../traffic/edge-client.js';
import { TrafficGenerator, type TrafficOptions } from '../traffic/generator.js';
import type { TrafficSpec } from '../traffic/journeys.js';
import { taskTraffic } from '../traffic/task-traffic.js';
import type { Emit } from '../events.js';
import { makeCanaries } from '../traffic/canary.js';
import type { ChaosSettings } from './report.js';

/**
 * The journeys of `service` (rehearsal.yaml's `traffic:`, else those derived from what the
 * running service publishes, else the defaults for it) and a generator that sends them through
 * `target` for at most `durationMs`. Derived journeys are announced on `emit`.
 */
export async function chaosTraffic(
  plan: Plan,
  service: ServicePlan,
  settings: ChaosSettings,
  options: { target: EdgeTarget; durationMs: number; emit: Emit } & Required<
    Pick<TrafficOptions, 'replicaOfBackend' | 'onSample'>
  >,
): Promise<{ spec: TrafficSpec; traffic: TrafficGenerator }> {
  const { target, durationMs, replicaOfBackend, onSample } = options;
  const { spec, personaToken } = await taskTraffic(plan, service, settings.overlays, target);
  if (spec.derivedFrom)
    options.emit({ type: 'traffic.derived', service: service.name, text: spec.derivedFrom });
  const rps = settings.rps ?? 40;
  const traffic = new TrafficGenerator({
    target,
    spec,
    replicaOfBackend,
    ...(personaToken ? { personaToken } : {}),
    rps,
    concurrency: settings.concurrency ?? 8,
    durationMs,
    maxRequests: Math.ceil((rps * durationMs) / 1000),
    runId: `rh${randomBytes(4).toString('hex')}`,
    canaries: settings.canaries ?? makeCanaries(),
    onSample,
  });
  return { spec, traffic };
}
