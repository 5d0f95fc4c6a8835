import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import { AbortedError, UserError } from '../errors.js';
import type { Emit, RehearsalEvent } from '../events.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { listReplicas } from '../sandbox/replicas.js';
import { readDesired } from '../sandbox/state.js';
import type { TaskOverlay } from '../declaration/types.js';
import { REFERENCE_SERVICE_IMAGE } from '../images/catalogue.js';
import { edgeTarget } from '../traffic/edge-client.js';
import { TrafficGenerator, type JourneyCounts } from '../traffic/generator.js';
import { hasWrites, resolveTraffic, type TrafficSpec } from '../traffic/journeys.js';
import type { WebSocketFigures } from '../traffic/websocket-traffic.js';
import { attributedTo, type ActionWindow } from './attribution.js';
import { personaLogin } from './persona.js';
import { CHAOS_KINDS, describeAction, type ChaosAction, type ChaosKind } from './action.js';
import { dockerPlatform, type ChaosPlatform } from './platform.js';
import { recordRecovery, recoveryFigures, type RecoveryFigures } from './recovery-figures.js';
import { execute, type ActionContext } from './execute.js';
import { RecoveryMonitor } from './recovery.js';
import { Journal, type JournalHead } from './journal.js';
import { randomSchedule, type Bounds } from './schedule.js';
import {
  ephemeralVerdict,
  incorruptibleVerdict,
  scalableVerdict,
  statelessVerdict,
  type EphemeralCheck,
  type KillMark,
  type NewReplica,
  type ScaleDown,
  type Requirement,
  type StopTiming,
  type Verdict,
} from './verdicts.js';

/** Actions that take a replica away for a while. */
const FAULTS = new Set<ChaosAction['kind']>(['kill', 'stop', 'pause', 'disconnect']);

export interface ChaosSettings {
  seed: number;
  durationMs: number;
  /** Chaos actions per minute (random mode). */
  perMinute: number;
  /** A scripted scenario or a replayed journal's actions; random from the seed when absent. */
  actions?: ChaosAction[];
  mode: JournalHead['mode'];
  /** The task to aim at (default: the first task behind the TLS edge). */
  service?: string;
  /** Traffic: requests per second and in flight. */
  rps?: number;
  concurrency?: number;
  /** rehearsal.yaml's settings per task: `traffic:` and the smoke path shape the journeys. */
  overlays?: Record<string, Pick<TaskOverlay, 'traffic' | 'smokePath'>>;
}

/** One action as it ran. */
export interface ActionResult {
  action: ChaosAction;
  startAt: number;
  endAt: number;
  ok: boolean;
  detail: string;
  /** Requests (and WebSocket handshakes) that failed in its window, each counted once. */
  failedRequests: number;
  /** WebSockets that dropped in its window (each reconnected). */
  socketDrops: number;
  recoveredMs: number;
  /** kill: time from the kill until a replacement was healthy (on Swarm: by Swarm's health check). */
  replacementHealthyMs?: number;
  /** kill: time from the kill until a replacement answered traffic. */
  replacementServingMs?: number;
}

export interface ChaosReport {
  /** Who repaired the faults: Rehearsal's supervisor on plain Docker, or Swarm. */
  engine: ChaosPlatform['engine'];
  seed: number;
  sandboxId: string;
  service: string;
  journal: string;
  interrupted: boolean;
  actions: ActionResult[];
  verdicts: Verdict[];
  /** Kill → replacement figures of this run, and of the last run on the other engine. */
  recovery: { this: RecoveryFigures; other?: RecoveryFigures };
  traffic: {
    requests: number;
    seconds: number;
    rps: number;
    p50Ms: number;
    p99Ms: number;
    errors: Record<string, number>;
    replicas: Record<string, number>;
    acknowledgedWrites: number;
    lostWrites: number;
    /** Where the journeys came from, and how each fared. */
    origin: TrafficSpec['origin'];
    journeys: JourneyCounts;
    websocket?: WebSocketFigures;
  };
}

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

/**
 * Runs chaos under live traffic on a sandbox that is up: the supervisor repairs, the traffic
 * generator measures, each action runs in turn and the sandbox is let recover before the next;
 * then every acknowledged write is verified and the four verdicts are decided. Ctrl-C stops
 * traffic and chaos, restores the desired replica count, finishes the journal and throws
 * `AbortedError`.
 */
export async function runChaos(
  plan: Plan,
  settings: ChaosSettings,
  options: {
    engine: Engine;
    emit: Emit;
    signal: AbortSignal;
    journalFile: string;
    /** Plain Docker (Rehearsal repairs) unless given. */
    platform?: ChaosPlatform;
  },
): Promise<ChaosReport> {
  const { engine, signal } = options;
  const platform = options.platform ?? dockerPlatform;
  const { service, bounds } = await chaosTarget(plan, settings.service);
  const target = edgeTarget(plan, service.name);
  if (!target) throw new UserError('this sandbox has no TLS edge to send traffic through');
  const database = plan.services.some((s) => s.role === 'database');
  const actions = chaosSchedule(settings, bounds, database, platform.kinds);
  const journal = new Journal(options.journalFile, {
    type: 'journal.head',
    version: 1,
    seed: settings.seed,
    declarationSha256: plan.declarationSha256,
    sandboxId: plan.sandboxId,
    service: service.name,
    durationMs: settings.durationMs,
    perMinute: settings.perMinute,
    mode: settings.mode,
    startedAt: new Date().toISOString(),
  });
  const spec = resolveTraffic(settings.overlays?.[service.name]?.traffic, {
    reference: service.image.tag === REFERENCE_SERVICE_IMAGE,
    healthPath: service.probe?.path ?? '/',
    ...(settings.overlays?.[service.name]?.smokePath
      ? { smokePath: settings.overlays[service.name]!.smokePath! }
      : {}),
    ...(plan.idp ? { personas: plan.idp.personas.map((p) => p.id) } : {}),
  });
  const login = spec.persona
    ? personaLogin(plan, service.name, target, spec.persona.persona)
    : undefined;
  journal.write({ type: 'traffic.spec', ...spec });
  const rps = settings.rps ?? 40;
  // Actions wait for the sandbox to heal; on a slow machine the run overruns. Past this limit the
  // remaining actions are journaled as skipped.
  const hardLimitMs = settings.durationMs * 3 + 300_000;
  // A service that does not name itself (X-Replica) is known by the address the edge reports.
  const idByAddress = new Map<string, string>();
  const traffic = new TrafficGenerator({
    target,
    spec,
    replicaOfBackend: (address) => idByAddress.get(address.split(':')[0] ?? address),
    ...(login ? { personaToken: login } : {}),
    rps,
    concurrency: settings.concurrency ?? 8,
    durationMs: hardLimitMs,
    maxRequests: Math.ceil((rps * hardLimitMs) / 1000),
    runId: `rh${randomBytes(4).toString('hex')}`,
    onSample: (s) => emit({ type: 'traffic.sample', ...s, replicas: byName(s.replicas) }),
  });
  const clock = () => traffic.elapsed();

  // Who is who: X-Replica is a container's short id; the verdicts speak of container names.
  const names = new Map<string, string>();
  const idsByName = new Map<string, string>();
  const initial = new Set<string>();
  const healthyAt: { name: string; at: number; id?: string }[] = [];
  const goneAt = new Map<string, number>();
  const stopping = new Map<string, number>();
  const scaleStops: StopTiming[] = [];
  const refresh = async () => {
    for (const r of await listReplicas(engine, plan.sandboxId, service.name).catch(() => [])) {
      const id = r.id.slice(0, 12);
      names.set(id, r.name);
      if (r.state !== 'running') continue;
      idsByName.set(r.name, id);
      if (![...idByAddress.values()].includes(id)) {
        const ip = (await engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
        if (ip) idByAddress.set(ip, id);
      }
    }
    for (const h of healthyAt) if (!h.id) h.id = idsByName.get(h.name);
  };
  const name = (replica: string) => names.get(replica) ?? replica;
  const byName = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [name(k), v]));

  const emit: Emit = (e: RehearsalEvent) => {
    if (e.type !== 'traffic.sample') journal.write({ type: 'event', at: clock(), event: e });
    else journal.write(e);
    if ('service' in e && e.service === service.name) observe(e);
    options.emit(e);
  };
  const observe = (e: RehearsalEvent) => {
    if (e.type === 'replica.healthy') {
      // By id when the event carries it: a name may belong to an earlier, removed replica.
      healthyAt.push({
        name: e.container,
        at: clock(),
        ...(e.id ? { id: e.id.slice(0, 12) } : {}),
      });
      void refresh();
    } else if (e.type === 'replica.stopping') stopping.set(e.container, clock());
    else if (e.type === 'replica.removed' || e.type === 'replica.died') {
      const id = idsByName.get(e.container);
      if (id) goneAt.set(id, clock());
      const began = stopping.get(e.container);
      if (e.type === 'replica.removed' && began !== undefined && e.container.length > 0) {
        stopping.delete(e.container);
        scaleStops.push({
          container: e.container,
          at: began,
          ms: clock() - began,
          budgetMs: service.stopGraceSeconds * 1000,
        });
      }
    }
  };

  const supervisor = new AbortController();
  const supervising = platform.repair(plan, { engine, emit, signal: supervisor.signal });
  await refresh();
  for (const id of idsByName.values()) initial.add(id);
  const roster = setInterval(() => void refresh(), 1000);
  const ctx: ActionContext = { plan, service, engine, platform, emit, signal, clock };

  emit({
    type: 'chaos.planned',
    seed: settings.seed,
    actions: actions.length,
    durationMs: settings.durationMs,
    journal: options.journalFile,
  });
  void traffic.run();
  const results: ActionResult[] = [];
  const kills: KillMark[] = [];
  const stops: StopTiming[] = [];
  const downs: ScaleDown[] = [];
  const ephemeral: EphemeralCheck[] = [];
  const settling: Promise<void>[] = [];
  const windows: ActionWindow[] = [];
  const failures = () => [...traffic.ledger.failures, ...(traffic.websocket?.failures ?? [])];
  const monitor = new RecoveryMonitor(ctx);
  let recovered = { ok: true, detail: 'every fault repaired itself', slowestMs: 0 };
  let failure: unknown;
  try {
    for (const a of actions) {
      if (signal.aborted) break;
      if (clock() > hardLimitMs) {
        journal.write({
          type: 'chaos.skipped',
          action: a,
          reason: 'the run overran its time limit',
        });
        continue;
      }
      await sleep(Math.max(0, a.atMs - clock()), undefined, { signal }).catch(() => undefined);
      // A fault waits for headroom (never below instances_minimum); anything else for a healed
      // sandbox, so a scale-down's failures are its own.
      if (FAULTS.has(a.kind)) await monitor.headroom(bounds.min, 1);
      else await monitor.recovered(clock());
      if (signal.aborted) break;
      journal.write({ type: 'chaos.action', at: clock(), action: a });
      emit({
        type: 'chaos.action',
        seq: a.seq,
        kind: a.kind,
        description: describeAction(a),
        atMs: clock(),
      });
      const before = new Set(idsByName.values());
      const desiredBefore = (await readDesired(plan.stateDir))?.[service.name] ?? bounds.initial;
      const startAt = clock();
      const window: ActionWindow = { seq: a.seq, startAt };
      windows.push(window);
      let ok = true;
      let detail: string;
      try {
        const out = await execute(a, ctx);
        detail = out.detail;
        stops.push(...out.stops);
        if (a.kind === 'kill' && out.container)
          kills.push({ at: startAt, container: out.container });
      } catch (err) {
        if (signal.aborted) break;
        ok = false;
        detail = `could not act: ${(err as Error).message}`;
      }
      const executedAt = clock();
      if (a.kind === 'scale' && (a.to ?? 0) < desiredBefore) {
        const failed = attributedTo(
          failures().filter((f) => f.at <= executedAt),
          a.seq,
          windows,
        );
        downs.push({
          seq: a.seq,
          from: desiredBefore,
          to: a.to ?? 0,
          startAt,
          endAt: executedAt,
          failed: failed.map((f) => ({ at: f.at, cause: f.cause })),
        });
      }
      if (a.kind === 'replace-all' && ok) {
        const acked = traffic.ledger.acked(startAt);
        settling.push(
          traffic.verify(acked).then((checks) => void ephemeral.push({ at: executedAt, checks })),
        );
      }
      // The sandbox heals while chaos goes on; the action's figures are settled when it has.
      settling.push(
        monitor.recovered(executedAt).then(async (back) => {
          if (!back.ok && !signal.aborted)
            recovered = {
              ok: false,
              detail: `after #${a.seq} ${a.kind}: ${back.detail}`,
              slowestMs: back.at - startAt,
            };
          else if (recovered.ok && back.at - startAt > recovered.slowestMs)
            recovered = { ...recovered, slowestMs: back.at - startAt };
          await refresh();
          const endAt = back.at;
          window.endAt = endAt;
          const failed = attributedTo(failures(), a.seq, windows);
          const drops = attributedTo(traffic.websocket?.drops ?? [], a.seq, windows);
          const result: ActionResult = {
            action: a,
            startAt,
            endAt,
            ok,
            detail,
            failedRequests: failed.length,
            socketDrops: drops.length,
            recoveredMs: endAt - startAt,
          };
          if (a.kind === 'kill') {
            const fresh = [...idsByName.values()].filter((id) => !before.has(id));
            const healthy = healthyAt.filter((h) => h.id && fresh.includes(h.id)).map((h) => h.at);
            if (healthy.length) result.replacementHealthyMs = Math.min(...healthy) - startAt;
            await settleServing(traffic, fresh, startAt, result);
          }
          results.push(result);
          journal.write({ type: 'chaos.result', ...result });
          emit({
            type: 'chaos.result',
            seq: a.seq,
            kind: a.kind,
            ok,
            ms: endAt - startAt,
            detail,
            failedRequests: failed.length,
          });
        }),
      );
    }
    if (!signal.aborted) await Promise.all(settling);
    if (!signal.aborted)
      await sleep(Math.max(0, settings.durationMs - clock()), undefined, { signal }).catch(
        () => undefined,
      );
  } catch (err) {
    failure = err;
  }

  // Wind down: traffic stops, the desired count is restored, the journal is finished.
  let report: ChaosReport | undefined;
  try {
    await traffic.stop();
    await monitor.stop();
    await Promise.all(settling);
    results.sort((x, y) => x.action.seq - y.action.seq);
    await restoreCount(plan, service, bounds.initial, platform, { engine, emit });
    const checks = signal.aborted || failure ? [] : await traffic.verify(traffic.ledger.acked());
    const end = clock();
    const added: NewReplica[] = healthyAt
      .filter((h) => h.id && !initial.has(h.id))
      .map((h) => ({
        container: h.name,
        healthyAt: h.at,
        ...(traffic.firstSeen.has(h.id ?? '')
          ? { firstServedAt: traffic.firstSeen.get(h.id ?? '') }
          : {}),
        ...(goneAt.has(h.id ?? '') ? { goneAt: goneAt.get(h.id ?? '') } : {}),
      }));
    const noWrites = hasWrites(spec)
      ? undefined
      : `no write journey: ${spec.origin === 'health' ? 'the default traffic of a service other than the reference only reads its health (and smoke) path' : 'none of the declared journeys has "write:"'}; declare one under traffic.journeys in rehearsal.yaml`;
    const verdicts =
      signal.aborted || failure
        ? []
        : [
            noWrites ? untested('ephemeral', noWrites) : ephemeralVerdict(ephemeral, name),
            statelessVerdict(traffic.ledger.sessions, name),
            noWrites
              ? untested('incorruptible', noWrites)
              : incorruptibleVerdict(
                  checks,
                  kills,
                  {
                    ok: recovered.ok,
                    detail: recovered.ok
                      ? `every fault repaired itself (slowest in ${(recovered.slowestMs / 1000).toFixed(1)} s)`
                      : recovered.detail,
                  },
                  name,
                ),
            scalableVerdict(added, downs, [...stops, ...scaleStops], end),
          ];
    for (const v of verdicts) {
      journal.write({ type: 'verdict', ...v });
      emit({ type: 'verdict.reached', ...v });
    }
    const overall = traffic.figures.overall();
    const seconds = Math.max(0.001, end / 1000);
    const figures = recoveryFigures(platform.engine, results);
    report = {
      engine: platform.engine,
      seed: settings.seed,
      sandboxId: plan.sandboxId,
      service: service.name,
      journal: options.journalFile,
      interrupted: signal.aborted,
      actions: results,
      verdicts,
      recovery: await recordRecovery(plan.stateDir, figures),
      traffic: {
        requests: traffic.figures.total.requests,
        seconds: Math.round(seconds * 10) / 10,
        rps: Math.round((traffic.figures.total.requests / seconds) * 10) / 10,
        ...overall,
        errors: traffic.figures.total.errors,
        replicas: byName(traffic.figures.total.replicas),
        acknowledgedWrites: traffic.ledger.acked().length,
        lostWrites: checks.filter((c) => c.found === 0).length,
        origin: spec.origin,
        journeys: traffic.journeys,
        ...(traffic.websocket ? { websocket: traffic.websocket.figures } : {}),
      },
    };
    journal.write({ type: 'summary', ...report, verdicts: undefined });
  } finally {
    clearInterval(roster);
    supervisor.abort();
    await supervising.catch(() => undefined);
    traffic.close();
    const failed = report?.verdicts.some((v) => v.outcome === 'fail');
    journal.close(
      signal.aborted
        ? { reason: 'interrupted', exitCode: 130 }
        : failure
          ? { reason: 'failed', exitCode: 2 }
          : { reason: 'completed', exitCode: failed ? 1 : 0 },
    );
  }
  if (failure) throw failure;
  if (signal.aborted) throw new AbortedError();
  return report;
}

/** Brings the task back to the count it had before the run, and waits for it. */
async function restoreCount(
  plan: Plan,
  service: ServicePlan,
  count: number,
  platform: ChaosPlatform,
  options: { engine: Engine; emit: Emit },
): Promise<void> {
  const desired = (await readDesired(plan.stateDir))?.[service.name];
  if (desired !== count) await platform.scale(plan, service.name, count, options);
}

/** A replacement that had not served yet when the kill's window closed: note it when it does. */
async function settleServing(
  traffic: TrafficGenerator,
  fresh: string[],
  startAt: number,
  result: ActionResult,
): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const served = fresh
      .map((id) => traffic.firstSeen.get(id))
      .filter((t): t is number => t !== undefined);
    if (served.length) {
      result.replacementServingMs = Math.min(...served) - startAt;
      return;
    }
    await sleep(250);
  }
}

function untested(requirement: Requirement, why: string): Verdict {
  return { requirement, outcome: 'untested', summary: why, evidence: [] };
}
