/** The one place a task's traffic spec is built, for `rehearsal chaos` and `rehearsal check`. */
import type { TaskOverlay } from '../declaration/types.js';
import { REFERENCE_SERVICE_IMAGE } from '../images/catalogue.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import type { EdgeTarget } from './edge-client.js';
import { resolveTraffic, type TrafficSpec } from './journeys.js';
import { personaLogin } from './persona-login.js';
import type { PersonaToken } from './persona-token.js';

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

/** A task's traffic as a generator sends it through the edge: the spec, and its persona's login. */
export interface TaskTraffic {
  spec: TrafficSpec;
  /** Logs the spec's persona in at the sandbox's IdP; absent when the spec has no persona. */
  personaToken?: () => Promise<PersonaToken>;
}

/**
 * The spec of `taskTrafficSpec` with what sending it needs: the persona's login, as the task's
 * client at the sandbox's IdP. `chaos`, the check's traffic phase and its chaos phase all send
 * this, so a persona journey declared (or defaulted with `sso: true`) goes out in every one.
 */
export function taskTraffic(
  plan: Plan,
  service: ServicePlan,
  overlays: TrafficOverlays | undefined,
  target: EdgeTarget,
): TaskTraffic {
  const spec = taskTrafficSpec(plan, service, overlays);
  const login = spec.persona
    ? personaLogin(plan, service.name, target, spec.persona.persona)
    : undefined;
  return { spec, ...(login ? { personaToken: login } : {}) };
}
