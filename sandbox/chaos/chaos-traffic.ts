/** The traffic of a chaos run: the task's journeys through the TLS edge, at a steady rate. */

import { randomBytes } from 'node:crypto';
import { REFERENCE_SERVICE_IMAGE } from '../images/catalogue.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import type { EdgeTarget } from '../traffic/edge-client.js';
import { TrafficGenerator, type TrafficOptions } from '../traffic/generator.js';
import { resolveTraffic, type TrafficSpec } from '../traffic/journeys.js';
import { personaLogin } from './persona.js';
import type { ChaosSettings } from './report.js';

/**
 * The journeys of `service` (rehearsal.yaml's `traffic:`, else the defaults for it) and a
 * generator that sends them through `target` for at most `durationMs`.
 */
export function chaosTraffic(
  plan: Plan,
  service: ServicePlan,
  settings: ChaosSettings,
  options: { target: EdgeTarget; durationMs: number } & Required<
    Pick<TrafficOptions, 'replicaOfBackend' | 'onSample'>
  >,
): { spec: TrafficSpec; traffic: TrafficGenerator } {
  const { target, durationMs, replicaOfBackend, onSample } = options;
  const overlay = settings.overlays?.[service.name];
  const spec = resolveTraffic(overlay?.traffic, {
    reference: service.image.tag === REFERENCE_SERVICE_IMAGE,
    healthPath: service.probe?.path ?? '/',
    ...(overlay?.smokePath ? { smokePath: overlay.smokePath } : {}),
    ...(plan.idp ? { personas: plan.idp.personas.map((p) => p.id) } : {}),
  });
  const login = spec.persona
    ? personaLogin(plan, service.name, target, spec.persona.persona)
    : undefined;
  const rps = settings.rps ?? 40;
  const traffic = new TrafficGenerator({
    target,
    spec,
    replicaOfBackend,
    ...(login ? { personaToken: login } : {}),
    rps,
    concurrency: settings.concurrency ?? 8,
    durationMs,
    maxRequests: Math.ceil((rps * durationMs) / 1000),
    runId: `rh${randomBytes(4).toString('hex')}`,
    onSample,
  });
  return { spec, traffic };
}
