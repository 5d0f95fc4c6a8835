/** The one place a task's traffic spec is built, for `rehearsal chaos` and `rehearsal check`. */
import type { TaskOverlay } from '../declaration/types.js';
import { REFERENCE_SERVICE_IMAGE } from '../images/catalogue.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { resolveTraffic, type TrafficSpec } from './journeys.js';

/** What of a task's overlay the traffic depends on. */
export type TrafficOverlays = Record<string, Pick<TaskOverlay, 'traffic' | 'smokePath'>>;

/**
 * The journeys a task gets: its `traffic:` in rehearsal.yaml, each part it leaves out taking the
 * default (the reference service's own API, or reads of the health and smoke paths), and the
 * persona journey only when the sandbox has an identity provider. Every command that sends
 * traffic calls this, so `chaos` and each phase of `check` exercise the same declared journeys.
 */
export function taskTrafficSpec(
  plan: Plan,
  service: ServicePlan,
  overlays: TrafficOverlays | undefined,
): TrafficSpec {
  const overlay = overlays?.[service.name];
  return resolveTraffic(overlay?.traffic, {
    reference: service.image.tag === REFERENCE_SERVICE_IMAGE,
    healthPath: service.probe?.path ?? '/',
    ...(overlay?.smokePath ? { smokePath: overlay.smokePath } : {}),
    ...(plan.idp ? { personas: plan.idp.personas.map((p) => p.id) } : {}),
  });
}
