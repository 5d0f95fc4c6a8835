/** A chaos run: live traffic through the edge, each action in turn, then the verdicts. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import { AbortedError, UserError } from '../errors.js';
import type { Emit, RehearsalEvent } from '../events.js';
import type { Plan } from '../plan/types.js';
import { removeChaosMarker, writeChaosMarker } from '../sandbox/chaos-marker.js';
import { repairSandbox } from '../sandbox/repair.js';
import { readDesired } from '../sandbox/state.js';
import { edgeTarget } from '../traffic/edge-client.js';
import type { FaultReach } from '../traffic/websocket-accounting.js';
import { attributedTo, type ActionWindow } from './attribution.js';
import { chaosTraffic } from './chaos-traffic.js';
import { describeAction, type ChaosAction } from './action.js';
import { dockerPlatform, type ChaosPlatform } from './platform.js';
import { recordRecovery, recoveryFigures } from './recovery-figures.js';
import { execute, type ActionContext } from './execute.js';
import { RecoveryMonitor } from './recovery.js';
import { Journal } from './journal.js';
import { ReplicaRoster } from './replica-roster.js';
import { timeReplacement } from './replacement-timing.js';
import {
  trafficReport,
  type ActionResult,
  type ChaosReport,
  type ChaosSettings,
} from './report.js';
import { chaosSchedule, chaosTarget, restoreCount } from './target.js';
import { decideVerdicts, RecoveryTally } from './verdict-assembly.js';
import {
  chaosVerdict,
  type ChaosVerdict,
  type EphemeralCheck,
  type KillMark,
  type ScaleDown,
  type StopTiming,
} from './verdicts.js';
import { faultWorkers, type WorkerFault } from './workers.js';

export type { ActionResult, ChaosReport, ChaosSettings } from './report.js';
export { chaosSchedule, chaosTarget } from './target.js';

/** Actions that take a replica away for a while. */
const FAULTS = new Set<ChaosAction['kind']>(['kill', 'stop', 'pause', 'disconnect']);

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
  // A run that died (SIGKILL) left its faults: put them right before adding new ones. Then mark
  // this run in progress with the counts to go back to, should it die too.
  const repaired = await repairSandbox(plan, { engine, emit: options.emit });
  if (repaired.busy)
    throw new UserError(`${repaired.busy} on ${plan.sandboxId}`, {
      hint: 'Wait for it to end, or stop it (Ctrl-C in its terminal); one chaos run at a time.',
    });
  const desiredAtStart = (await readDesired(plan.stateDir)) ?? {
    [service.name]: bounds.initial,
  };
  await writeChaosMarker(plan.stateDir, {
    journal: options.journalFile,
    desired: desiredAtStart,
  });
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
  // Actions wait for the sandbox to heal; on a slow machine the run overruns. Past this limit the
  // remaining actions are journaled as skipped.
  const hardLimitMs = settings.durationMs * 3 + 300_000;
  const roster = new ReplicaRoster(engine, plan.sandboxId, service);
  const { spec, traffic } = await chaosTraffic(plan, service, settings, {
    target,
    durationMs: hardLimitMs,
    emit: options.emit,
    replicaOfBackend: roster.replicaOfBackend,
    onSample: (s) => emit({ type: 'traffic.sample', ...s, replicas: roster.byName(s.replicas) }),
  });
  journal.write({ type: 'traffic.spec', ...spec });
  const clock = () => traffic.elapsed();

  const emit: Emit = (e: RehearsalEvent) => {
    if (e.type !== 'traffic.sample') journal.write({ type: 'event', at: clock(), event: e });
    else journal.write(e);
    if ('service' in e && e.service === service.name) roster.observe(e, clock());
    options.emit(e);
  };

  const supervisor = new AbortController();
  const supervising = platform.repair(plan, { engine, emit, signal: supervisor.signal });
  await roster.refresh();
  roster.markInitial();
  const rosterTimer = setInterval(() => void roster.refresh(), 1000);
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
  // Which replicas each action held up, for telling a stalled WebSocket message from a lost one.
  const reach: FaultReach[] = [];
  const failures = () => [...traffic.ledger.failures, ...(traffic.websocket?.failures ?? [])];
  const monitor = new RecoveryMonitor(ctx);
  const recovery = new RecoveryTally();
  const workerFaults: WorkerFault[] = [];
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
      const before = roster.running();
      const desiredBefore = (await readDesired(plan.stateDir))?.[service.name] ?? bounds.initial;
      const startAt = clock();
      const window: ActionWindow = { seq: a.seq, startAt };
      windows.push(window);
      let ok = true;
      let detail: string;
      const reached: FaultReach = { seq: a.seq, startAt, replicas: 'all' };
      reach.push(reached);
      try {
        const out = await execute(a, ctx);
        detail = out.detail;
        if (out.touched) reached.replicas = out.touched;
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
          recovery.note(`#${a.seq} ${a.kind}`, startAt, back, signal.aborted);
          await roster.refresh();
          const endAt = back.at;
          window.endAt = endAt;
          reached.endAt = endAt;
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
          if (a.kind === 'kill') await timeReplacement(roster, traffic, before, startAt, result);
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
    // The workers get their own faults: no traffic reaches them, so each waits for them to heal.
    const workers = plan.services.filter((s) => s.kind === 'worker');
    if (!signal.aborted && settings.workers !== false && workers.length > 0) {
      const w = await faultWorkers(ctx, workers, actions.length + 1, (fault) => {
        journal.write({ type: 'chaos.worker', ...fault });
        recovery.note(
          `worker ${fault.service} #${fault.action.seq} ${fault.action.kind}`,
          fault.action.atMs,
          { ok: fault.ok, at: fault.action.atMs + fault.recoveredMs, detail: fault.detail },
          signal.aborted,
        );
      });
      stops.push(...w.stops);
      workerFaults.push(...w.faults);
    }
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
    // A replica the restore below adds meets no traffic: it is not judged on taking some.
    const trafficEnd = clock();
    await monitor.stop();
    await Promise.all(settling);
    results.sort((x, y) => x.action.seq - y.action.seq);
    const ws = traffic.websocket;
    if (ws) {
      ws.settle(reach, roster.name);
      for (const r of results)
        r.stalledMessages = ws.stalled.filter((m) => m.seq === r.action.seq).length;
    }
    await restoreCount(plan, service, bounds.initial, platform, { engine, emit });
    await removeChaosMarker(plan.stateDir);
    const checks = signal.aborted || failure ? [] : await traffic.verify(traffic.ledger.acked());
    const end = clock();
    const verdicts: ChaosVerdict[] =
      signal.aborted || failure
        ? []
        : decideVerdicts({
            spec,
            ephemeral,
            sessions: traffic.ledger.sessions,
            checks,
            kills,
            recovery,
            added: roster.added(traffic.firstSeen),
            downs,
            stops: [...stops, ...roster.scaleStops],
            end: Math.min(end, trafficEnd),
            name: roster.name,
          });
    for (const v of verdicts) {
      journal.write({ type: 'verdict', ...v });
      emit({ type: 'requirement.judged', ...chaosVerdict(v) });
    }
    const figures = recoveryFigures(platform.engine, results);
    report = {
      engine: platform.engine,
      seed: settings.seed,
      sandboxId: plan.sandboxId,
      service: service.name,
      journal: options.journalFile,
      interrupted: signal.aborted,
      actions: results,
      ...(workerFaults.length > 0 ? { workers: workerFaults } : {}),
      verdicts,
      recovery: await recordRecovery(plan.stateDir, figures),
      traffic: trafficReport(traffic, spec, end, checks, roster.byName, roster.name),
    };
    journal.write({ type: 'summary', ...report, verdicts: undefined });
  } finally {
    clearInterval(rosterTimer);
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
