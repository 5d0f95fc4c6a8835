/** The one place a task's traffic spec is built, for `rehearsal chaos` and `rehearsal check`. */
import type { TaskOverlay } from '../declaration/types.js';
import { REFERENCE_SERVICE_IMAGE } from '../images/catalogue.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { deriveTraffic, type Derivation, type DerivedTraffic } from './derive.js';
import { edgeTarget, type EdgeTarget } from './edge-client.js';
import { resolveTraffic, type TrafficSpec } from './journeys.js';
import { personaLogin } from './persona-login.js';
import type { PersonaToken } from './persona-token.js';

/** What of a task's overlay the traffic depends on. */
export type TrafficOverlays = Record<string, Pick<TaskOverlay, 'traffic' | 'smokePath'>>;

/**
 * The journeys a task gets: its `traffic:` in rehearsal.yaml, each part it leaves out taking the
 * default (journeys `derived` from what the running service publishes, else the reference
 * service's own API, else reads of the health and smoke paths), and the persona journey only
 * when the sandbox has an identity provider. Every command that sends traffic calls this, so
 * `chaos` and each phase of `check` exercise the same journeys.
 */
export function taskTrafficSpec(
  plan: Plan,
  service: ServicePlan,
  overlays: TrafficOverlays | undefined,
  derived?: DerivedTraffic,
): TrafficSpec {
  const overlay = overlays?.[service.name];
  const spec = resolveTraffic(overlay?.traffic, {
    reference: service.image.tag === REFERENCE_SERVICE_IMAGE,
    healthPath: service.probe?.path ?? '/',
    ...(overlay?.smokePath ? { smokePath: overlay.smokePath } : {}),
    ...(plan.idp ? { personas: plan.idp.personas.map((p) => p.id) } : {}),
  });
  if (spec.origin !== 'health' || !derived) return spec;
  return {
    ...spec,
    journeys: derived.journeys,
    origin: derived.origin,
    derivedFrom: derived.derivedFrom,
  };
}

/** Whether the task's journeys may be derived: no declared journeys, not the reference service. */
export function derivable(service: ServicePlan, overlays: TrafficOverlays | undefined): boolean {
  return (
    !overlays?.[service.name]?.traffic?.journeys && service.image.tag !== REFERENCE_SERVICE_IMAGE
  );
}

/**
 * The task's spec on a running sandbox: first asks the service what it publishes (only when
 * its journeys may be derived), then builds the spec. Call once the task is healthy.
 */
export async function runningTaskTraffic(
  plan: Plan,
  service: ServicePlan,
  overlays: TrafficOverlays | undefined,
  target: EdgeTarget,
): Promise<{ spec: TrafficSpec; derivation?: Derivation }> {
  if (!derivable(service, overlays)) return { spec: taskTrafficSpec(plan, service, overlays) };
  const derivation = await deriveTraffic(target, 5000, overlays?.[service.name]?.traffic?.openapi);
  const derived = 'derived' in derivation ? derivation.derived : undefined;
  return { spec: taskTrafficSpec(plan, service, overlays, derived), derivation };
}

/** What `--dry-run` shows of a task's traffic: its journeys and where they come from. */
export interface TrafficPreview {
  spec: TrafficSpec;
  /** Where the journeys come from, or why none were derived. */
  note: string;
}

/**
 * The journeys a run would send, without starting anything: when the sandbox is already up,
 * its CDS Hooks discovery is read (one GET through the edge); otherwise the note says the
 * journeys are derived once the task is up.
 */
export async function previewTaskTraffic(
  plan: Plan,
  service: ServicePlan,
  overlays: TrafficOverlays | undefined,
): Promise<TrafficPreview> {
  if (!derivable(service, overlays)) {
    const spec = taskTrafficSpec(plan, service, overlays);
    return {
      spec,
      note: `journeys: ${spec.origin === 'declared' ? "rehearsal.yaml's traffic.journeys" : "the reference service's API"}`,
    };
  }
  let target: EdgeTarget | undefined;
  try {
    target = edgeTarget(plan, service.name);
  } catch {
    target = undefined; // No edge files yet: the sandbox was never brought up.
  }
  const derivation = target
    ? await deriveTraffic(target, 2000, overlays?.[service.name]?.traffic?.openapi)
    : undefined;
  if (derivation && 'derived' in derivation)
    return {
      spec: taskTrafficSpec(plan, service, overlays, derivation.derived),
      note: [
        derivation.derived.derivedFrom,
        ...(derivation.derived.skipped ?? []).map((x) => `  left out: ${x}`),
      ].join('\n'),
    };
  const spec = taskTrafficSpec(plan, service, overlays);
  const why = derivation ? derivation.none : 'the sandbox is not up';
  return {
    spec,
    note: `journeys: reads of the health path (${why}); once the task is up, journeys are derived from its CDS Hooks discovery (GET /cds-services) or its OpenAPI document (GET /openapi.json, or traffic.openapi)`,
  };
}

/** A task's traffic as a generator sends it through the edge: the spec, and its persona's login. */
export interface TaskTraffic {
  spec: TrafficSpec;
  /** Logs the spec's persona in at the sandbox's IdP; absent when the spec has no persona. */
  personaToken?: () => Promise<PersonaToken>;
  /** What the running service was asked for its journeys, when they may be derived. */
  derivation?: Derivation;
}

/**
 * The spec of `runningTaskTraffic` (journeys declared, or derived from what the running task
 * publishes) with what sending it needs: the persona's login, as the task's client at the
 * sandbox's IdP. `chaos`, the check's traffic phase and its chaos phase all send this, so a
 * persona journey declared (or defaulted with `sso: true`) goes out in every one.
 */
export async function taskTraffic(
  plan: Plan,
  service: ServicePlan,
  overlays: TrafficOverlays | undefined,
  target: EdgeTarget,
): Promise<TaskTraffic> {
  const { spec, derivation } = await runningTaskTraffic(plan, service, overlays, target);
  const login = spec.persona
    ? personaLogin(plan, service.name, target, spec.persona.persona)
    : undefined;
  return { spec, ...(login ? { personaToken: login } : {}), ...(derivation ? { derivation } : {}) };
}
