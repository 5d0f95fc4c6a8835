import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { awaitInRotation, drainAtEdge, edgeAdmin, forgetAtEdge } from '../sandbox/edge-admin.js';
import { httpProbe } from '../net/http-probe.js';
import { freeNumbers, listReplicas, type Replica } from '../sandbox/replicas.js';
import { readDesired } from '../sandbox/state.js';
import { killReplica } from '../sandbox/supervise.js';
import { startReplicas } from '../sandbox/up.js';
import { healthyEvent, readHealth, waitHealthy } from '../sandbox/health.js';
import type { ChaosAction } from './action.js';
import type { ChaosPlatform } from './platform.js';
import type { StopTiming } from './verdicts.js';

export interface ActionContext {
  plan: Plan;
  service: ServicePlan;
  engine: Engine;
  /** Who repairs, scales and redeploys: Rehearsal on plain Docker, or Swarm. */
  platform: ChaosPlatform;
  emit: Emit;
  /** Ctrl-C: a hold (pause, disconnect) ends early, and what it did is undone. */
  signal: AbortSignal;
  /** Milliseconds since the run started. */
  clock: () => number;
}

/** What an action did, for the journal and the verdicts. */
export interface ActionOutcome {
  detail: string;
  /** The container acted on (kill, stop, pause, disconnect). */
  container?: string;
  /**
   * The replicas (container names) the action held up or took away; every one when absent (a
   * database restart reaches them all).
   */
  touched?: string[];
  stops: StopTiming[];
}

/** The running replicas of the task, sorted by name: what an action's `target` indexes. */
export async function runningReplicas(ctx: ActionContext): Promise<Replica[]> {
  return ctx.platform
    .replicas(await listReplicas(ctx.engine, ctx.plan.sandboxId, ctx.service.name))
    .filter((r) => r.state === 'running')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Carries out one chaos action on this sandbox's labelled containers only. Faults are undone or
 * left to the supervisor to repair (kill, stop); the caller then waits for the desired count.
 */
export async function execute(a: ChaosAction, ctx: ActionContext): Promise<ActionOutcome> {
  const { engine, service } = ctx;
  const budgetMs = service.stopGraceSeconds * 1000;
  if (!ctx.platform.kinds.includes(a.kind))
    throw new Error(`${a.kind} is not an action chaos takes on ${ctx.platform.engine}`);
  switch (a.kind) {
    case 'kill': {
      const r = await pick(a, ctx);
      await killReplica(engine, r, ctx.emit, 'SIGKILL');
      await gone(ctx, r);
      return { detail: `SIGKILL ${r.name}`, container: r.name, touched: [r.name], stops: [] };
    }
    case 'stop': {
      const r = await pick(a, ctx);
      const stop = await timedStop(ctx, r, budgetMs);
      return {
        detail: `stopped ${r.name} in ${(stop.ms / 1000).toFixed(1)} s (exit code ${stop.exitCode})`,
        container: r.name,
        touched: [r.name],
        stops: [stop],
      };
    }
    case 'pause':
    case 'disconnect':
      return hold(a, ctx);
    case 'scale': {
      const to = a.to ?? service.replicas;
      const r = await ctx.platform.scale(ctx.plan, service.name, to, { engine, emit: ctx.emit });
      return {
        detail: `scaled to ${to}${r.added.length ? `, added ${r.added.join(', ')}` : ''}${r.removed.length ? `, removed ${r.removed.join(', ')}` : ''}`,
        touched: r.removed,
        stops: [],
      };
    }
    case 'db-restart': {
      const db = ctx.plan.services.find((s) => s.role === 'database');
      const c = db
        ? (await listReplicas(engine, ctx.plan.sandboxId, db.name)).find(
            (r) => r.state === 'running',
          )
        : undefined;
      if (!db || !c) return { detail: 'no running database: nothing restarted', stops: [] };
      const t0 = Date.now();
      await engine.restartContainer(c.id, db.stopGraceSeconds);
      await waitHealthy(engine, c.id, c.name, db, { timeoutMs: 90_000 });
      return {
        detail: `restarted ${c.name}, healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        stops: [],
      };
    }
    case 'replace-all':
      return ctx.platform.replaceAll(ctx, budgetMs);
  }
}

/**
 * Returns once the engine no longer lists a killed container as running (at most 5 s), so no
 * reading of the sandbox taken after the kill counts it among the healthy replicas.
 */
async function gone(ctx: ActionContext, r: Replica): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const d = await ctx.engine.inspectContainer(r.id).catch(() => undefined);
    if (d?.state !== 'running') return;
    await sleep(100);
  }
}

async function pick(a: ChaosAction, ctx: ActionContext): Promise<Replica> {
  const running = await runningReplicas(ctx);
  const r = running[(a.target ?? 0) % Math.max(1, running.length)];
  if (!r) throw new Error(`no running replica of ${ctx.service.name} to act on`);
  return r;
}

/** SIGTERM, SIGKILL after the stop budget; how long it took and how the process ended. */
async function timedStop(ctx: ActionContext, r: Replica, budgetMs: number): Promise<StopTiming> {
  const at = ctx.clock();
  const t0 = Date.now();
  ctx.emit({
    type: 'replica.stopping',
    service: r.service,
    replica: r.number,
    container: r.name,
    reason: 'chaos: graceful stop',
  });
  // A stop the engine reports as failed still took its time: the timing is evidence either way.
  const failed = await ctx.engine.stopContainer(r.id, budgetMs / 1000).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  const ms = Date.now() - t0;
  if (failed && ms < budgetMs - 250) throw failed;
  const d = await ctx.engine.inspectContainer(r.id).catch(() => undefined);
  return { container: r.name, at, ms, budgetMs, ...(d ? { exitCode: d.exitCode } : {}) };
}

/** Pause or disconnect a replica for `holdMs`, then give it back, even on Ctrl-C. */
async function hold(a: ChaosAction, ctx: ActionContext): Promise<ActionOutcome> {
  const r = await pick(a, ctx);
  const { engine, plan, service } = ctx;
  const holdMs = a.holdMs ?? 2000;
  if (a.kind === 'pause') await engine.pauseContainer(r.id);
  else await engine.disconnectNetwork(plan.network, r.id);
  try {
    await sleep(holdMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  } finally {
    if (a.kind === 'pause') await engine.unpauseContainer(r.id);
    else await engine.connectNetwork(plan.network, r.id, [service.name, ...service.aliases]);
  }
  return {
    detail: `${a.kind === 'pause' ? 'paused' : 'disconnected'} ${r.name} for ${(holdMs / 1000).toFixed(1)} s`,
    container: r.name,
    touched: [r.name],
    stops: [],
  };
}

/**
 * Replaces every replica at once, as a redeploy would: as many new replicas start beside the old
 * ones (the count never drops below the desired one), and once they are healthy every old one is
 * drained at the edge and stopped together.
 */
export async function replaceAll(ctx: ActionContext, budgetMs: number): Promise<ActionOutcome> {
  const { engine, plan, service } = ctx;
  const old = await runningReplicas(ctx);
  const want = (await readDesired(plan.stateDir))?.[service.name] ?? old.length;
  const all = await listReplicas(engine, plan.sandboxId, service.name);
  const started = await startReplicas(
    plan,
    service,
    freeNumbers(
      all.map((r) => r.number),
      want,
    ),
    { engine, emit: ctx.emit },
  );
  await Promise.all(
    started.map(async (r) => {
      const ms = await waitHealthy(engine, r.id, r.name, service, { timeoutMs: 90_000 });
      ctx.emit(healthyEvent(service.name, r, ms));
    }),
  );
  const admin = await edgeAdmin(plan, engine);
  // The old replicas leave the rotation only once the edge routes to the new ones.
  if (admin) {
    const ips = await Promise.all(
      started.map(async (r) => (await engine.inspectContainer(r.id)).ipAddress),
    );
    await awaitInRotation(
      admin,
      service.name,
      ips.filter((ip): ip is string => ip !== undefined),
    );
  }
  const stops = await Promise.all(
    old.map(async (r) => {
      const ip = (await engine.inspectContainer(r.id)).ipAddress;
      if (admin && ip) await drainAtEdge(admin, service.name, ip);
      const stop = await timedStop(ctx, r, budgetMs);
      await engine.removeContainer(r.id, { force: true });
      if (admin && ip) await forgetAtEdge(admin, service.name, ip);
      ctx.emit({
        type: 'replica.removed',
        service: r.service,
        replica: r.number,
        container: r.name,
      });
      return stop;
    }),
  );
  return {
    detail: `replaced ${old.map((r) => r.name).join(', ')} with ${started.map((r) => r.name).join(', ')}`,
    touched: old.map((r) => r.name),
    stops,
  };
}

/** One look at the sandbox: is it back to its desired count, all healthy, database included? */
export interface RecoveryReading {
  ok: boolean;
  /** Healthy running replicas of the task. */
  healthy: number;
  want: number;
  detail: string;
}

export async function readRecovery(ctx: ActionContext): Promise<RecoveryReading> {
  const db = ctx.plan.services.find((s) => s.role === 'database');
  const want = (await readDesired(ctx.plan.stateDir))?.[ctx.service.name] ?? ctx.service.replicas;
  const all = ctx.platform.replicas(
    await listReplicas(ctx.engine, ctx.plan.sandboxId, ctx.service.name),
  );
  const running = all.filter((r) => r.state === 'running');
  const healthy = (await Promise.all(running.map((r) => answers(ctx, r)))).filter(Boolean).length;
  const dbOk = db ? await databaseHealthy(ctx, db) : true;
  // A container just created and not started yet is in transition, not a sign of trouble.
  const dead = all.filter((r) => r.state === 'exited' || r.state === 'dead').length;
  const ok = healthy === want && running.length === want && dead === 0 && dbOk;
  return {
    ok,
    healthy,
    want,
    detail: ok
      ? `${want} healthy replica(s)`
      : `${healthy} of ${want} replica(s) healthy, ${running.length} running, ${dead} dead${dbOk ? '' : ', database not healthy'}`,
  };
}

/**
 * A replica is back when its health path answers 2xx/3xx on its published port. Docker's own
 * health check is not waited for here: on a loaded engine it lags (or times out) long after the
 * replica serves again.
 */
async function answers(ctx: ActionContext, r: Replica): Promise<boolean> {
  const probe = ctx.service.probe;
  const port = probe ? r.published[probe.port] : undefined;
  if (!probe || !port)
    return (
      (await readHealth(ctx.engine, r.id, ctx.service).catch(() => undefined))?.health === 'healthy'
    );
  const p = await httpProbe(`http://127.0.0.1:${port}${probe.path}`, 3000, ctx.signal);
  return p.status !== undefined && p.status >= 200 && p.status < 400;
}

async function databaseHealthy(ctx: ActionContext, db: ServicePlan): Promise<boolean> {
  const c = (await listReplicas(ctx.engine, ctx.plan.sandboxId, db.name)).find(
    (r) => r.state === 'running',
  );
  if (!c) return false;
  return (await readHealth(ctx.engine, c.id, db).catch(() => undefined))?.health === 'healthy';
}
