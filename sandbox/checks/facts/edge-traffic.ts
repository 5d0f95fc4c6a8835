/**
 * The check's traffic through the TLS edge: the task's journeys (rehearsal.yaml's `traffic:`,
 * else the defaults, exactly as `rehearsal chaos` sends them), carrying the run's synthetic PHI.
 */
import { randomBytes } from 'node:crypto';
import type { Engine } from '../../engine/engine.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { adminCall, edgeAdmin } from '../../sandbox/edge-admin.js';
import { listReplicas } from '../../sandbox/replicas.js';
import { usesCanaryPlaceholder, type Canaries } from '../../traffic/canary.js';
import { EdgeClient, edgeTarget } from '../../traffic/edge-client.js';
import { TrafficGenerator } from '../../traffic/generator.js';
import { hasWrites, type TrafficSpec } from '../../traffic/journeys.js';
import type { SessionUse } from '../../traffic/ledger.js';
import { newPlanting, type Planting } from '../../traffic/plant.js';
import { taskTraffic, type TrafficOverlays } from '../../traffic/task-traffic.js';
import type { Emit } from '../../events.js';
import type { TimelineSample } from '../types.js';
import { trialPlanting } from './plant-trial.js';
import type { TrafficFacts } from './types.js';

/**
 * A bounded run (`count` requests, at most 20 s) of the task's journeys: who served each comes
 * from the edge's own counters; sessions issued by one replica and refused by another are kept
 * apart from failures (they are Dynamically scalable's evidence, not Horizontally scaled's).
 */
export async function traffic(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  canaries: Canaries,
  count: number,
  timeline: TimelineSample[],
  options: {
    overlays?: TrafficOverlays;
    emit?: Emit;
    /** Where the spec sent is kept, by task, for the phases after this one (offline). */
    specs?: Map<string, TrafficSpec>;
  } = {},
): Promise<TrafficFacts | undefined> {
  const { overlays, emit } = options;
  const target = edgeTarget(plan, s.name);
  if (!target || !s.probe) return undefined;
  const { spec, personaToken, derivation } = await taskTraffic(plan, s, overlays, target);
  options.specs?.set(s.name, spec);
  if (spec.derivedFrom)
    emit?.({ type: 'traffic.derived', service: s.name, text: spec.derivedFrom });
  const admin = await edgeAdmin(plan, engine);
  const before = admin ? await servedByIp(admin, s.name) : new Map<string, number>();
  const names = await replicaNames(plan, engine, s.name);
  const runId = `rc${randomBytes(4).toString('hex')}`;
  const declaredPhi = usesCanaryPlaceholder([spec.journeys, spec.session ?? null]);
  let plant: Planting | undefined;
  let planted: string[];
  if (declaredPhi)
    planted = [
      spec.origin === 'cds-hooks'
        ? "the hook calls derived from CDS Hooks discovery carry the canaries: the synthetic patient's name, MRN, birth date, phone and e-mail in context and prefetch"
        : 'the declared journeys carry the canaries ({patient_name}, …)',
    ];
  else {
    plant = newPlanting();
    const client = new EdgeClient(target, 2);
    try {
      planted = await trialPlanting(client, spec, plant, canaries, runId);
    } finally {
      client.close();
    }
  }
  const generator = new TrafficGenerator({
    target,
    spec,
    ...(personaToken ? { personaToken } : {}),
    replicaOfBackend: (a) => names.get(a.split(':')[0] ?? a),
    rps: 30,
    concurrency: 4,
    durationMs: 20_000,
    maxRequests: count,
    runId,
    canaries,
    ...(plant ? { plant } : {}),
    onSample: (x) => {
      const failed = Object.values(x.errors).reduce((a, b) => a + b, 0);
      timeline.push({
        at: Date.now(),
        kind: 'traffic',
        ok: x.requests - failed,
        failed,
        p99Ms: x.p99Ms,
      });
    },
  });
  try {
    await generator.run();
  } finally {
    generator.close();
  }
  const facts = summarise(generator, spec, planted);
  if (derivation && 'none' in derivation) facts.notDerived = derivation.none;
  if (admin) {
    const after = await servedByIp(admin, s.name);
    for (const [ip, n] of after) facts.byReplica[names.get(ip) ?? ip] = n - (before.get(ip) ?? 0);
  }
  return facts;
}

/**
 * Session uses refused by a replica other than the issuer. A persona's IdP token counts as a
 * session, as in chaos's stateless verdict: once a replica honoured it, every other must too. A
 * token no replica honoured yet says nothing about sessions (a service with its own login page
 * refuses it everywhere: SSO aware's failure, not Dynamically scalable's).
 */
export function refusedElsewhere(sessions: readonly SessionUse[]): SessionUse[] {
  const honoured = new Set(
    sessions.filter((u) => u.persona && u.status === 200).map((u) => u.replica),
  );
  return sessions.filter(
    (u) =>
      u.replica !== u.issuer &&
      (u.status === 401 || u.status === 403) &&
      (!u.persona || honoured.has(u.issuer)),
  );
}

/** The generator's figures as facts: session refusals by another replica counted on their own. */
function summarise(g: TrafficGenerator, spec: TrafficSpec, planted: string[]): TrafficFacts {
  const refused = refusedElsewhere(g.ledger.sessions);
  const sessionChecks = g.ledger.sessions;
  const errors = { ...g.figures.total.errors };
  let failed = Object.values(errors).reduce((a, b) => a + b, 0);
  for (const r of refused) {
    const k = `HTTP ${r.status}`;
    if (errors[k]) {
      errors[k]--;
      failed--;
      if (errors[k] === 0) delete errors[k];
    }
  }
  const sent = g.figures.total.requests;
  return {
    sent,
    ok: sent - failed - refused.length,
    failed,
    byReplica: {},
    errors,
    origin: spec.origin,
    ...(spec.derivedFrom ? { derivedFrom: spec.derivedFrom } : {}),
    ...(g.conformance.checked > 0
      ? {
          conformance: {
            protocol: 'CDS Hooks 2.0',
            checked: g.conformance.checked,
            invalid: g.conformance.invalid,
            examples: g.conformance.examples.map(
              (x) => `${x.journey}${x.replica ? ` (${x.replica})` : ''}: ${x.problems.join('; ')}`,
            ),
          },
        }
      : {}),
    journeys: Object.entries(g.journeys).map(([name, c]) => `${name} ${c.ok}/${c.sent}`),
    answered: Object.entries(g.journeys)
      .filter(([, c]) => c.ok > 0)
      .map(([name]) => name),
    writes: hasWrites(spec),
    ...(spec.session || spec.persona
      ? {
          sessions: {
            checks: sessionChecks.length,
            byOtherReplica: sessionChecks.filter((u) => u.replica !== u.issuer).length,
            refused: refused.length,
            examples: refused
              .slice(0, 3)
              .map(
                (u) =>
                  `${u.persona ? `${u.persona}'s IdP token, honoured by` : 'issued by'} ${u.issuer}, refused by ${u.replica} (HTTP ${u.status})`,
              ),
          },
        }
      : {}),
    planted,
  };
}

/** Edge backend address → replica container name. */
async function replicaNames(plan: Plan, engine: Engine, service: string) {
  const names = new Map<string, string>();
  for (const r of await listReplicas(engine, plan.sandboxId, service)) {
    const ip = (await engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
    if (ip) names.set(ip, r.name);
  }
  return names;
}

export async function servedByIp(
  admin: { url: string; token: string },
  service: string,
): Promise<Map<string, number>> {
  const r = await adminCall(admin, 'GET', '/backends');
  const routes =
    (r.json as { routes?: { service: string; backends: { ip: string; requests?: number }[] }[] })
      .routes ?? [];
  const out = new Map<string, number>();
  for (const route of routes.filter((x) => x.service === service))
    for (const b of route.backends) out.set(b.ip, (out.get(b.ip) ?? 0) + (b.requests ?? 0));
  return out;
}
