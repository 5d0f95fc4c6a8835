import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import { EDGE_FILES } from '../plan/edge.js';
import type { Plan } from '../plan/types.js';
import { adminCall, edgeAdmin } from './edge-admin.js';
import { writeEdgeFiles } from './edge-files.js';
import { healthyEvent, waitHealthy } from './health.js';
import { freeNumbers, listReplicas, type Replica } from './replicas.js';
import { readDesired } from './state.js';
import { startReplicas } from './up.js';

export interface SupervisorOptions {
  engine: Engine;
  emit: Emit;
  signal: AbortSignal;
  /** How long to let a burst of events settle before reconciling. */
  settleMs?: number;
  /**
   * How often to reconcile without an event (default 5 s): an event can come while the engine
   * still lists the container as running, and a replica must not stay missing until the next one.
   */
  periodMs?: number;
  /** How often to check the edge's certificate (default hourly). */
  renewEveryMs?: number;
}

/**
 * Keeps every task at its desired replica count while it runs, as the Marketplace's platform
 * would: Docker's restart policy does not restart a container killed from outside, so when a
 * replica dies, the supervisor records why, removes it and starts a replacement. The desired
 * count comes from `desired.json` (written by `up` and `scale`), read at each reconcile.
 */
export function supervise(plan: Plan, options: SupervisorOptions): Promise<void> {
  const { engine, emit, signal } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  // One pass waiting behind a running one is enough: it will see everything that happened.
  let queued = false;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (queued) return;
      queued = true;
      running = running
        .then(() => {
          queued = false;
          return signal.aborted ? undefined : reconcile(plan, engine, emit, signal);
        })
        .catch((err: unknown) => {
          if (!signal.aborted)
            emit({ type: 'warning', message: `supervisor: ${(err as Error).message}` });
        });
    }, options.settleMs ?? 300);
  };
  // The edge's leaf certificate lives a week: renew it while the sandbox runs, without a restart.
  const renewal = setInterval(() => {
    running = running
      .then(async () => {
        await renewEdgeCertificate(plan, engine, emit);
      })
      .catch((err: unknown) => {
        if (!signal.aborted)
          emit({ type: 'warning', message: `certificate renewal: ${(err as Error).message}` });
      });
  }, options.renewEveryMs ?? 3_600_000);
  const periodic = setInterval(schedule, options.periodMs ?? 5_000);
  signal.addEventListener(
    'abort',
    () => {
      clearInterval(renewal);
      clearInterval(periodic);
    },
    { once: true },
  );
  const loop = async () => {
    schedule();
    for await (const e of engine.events({ [LABEL.sandbox]: plan.sandboxId }, signal)) {
      if (e.action === 'die' || e.action === 'destroy' || e.action === 'stop') schedule();
    }
    clearTimeout(timer);
    await running;
  };
  return loop();
}

/** One pass: record and remove dead task replicas, then start replacements up to the desired count. */
export async function reconcile(
  plan: Plan,
  engine: Engine,
  emit: Emit,
  signal?: AbortSignal,
): Promise<void> {
  const desired = (await readDesired(plan.stateDir)) ?? {};
  for (const s of plan.services.filter((x) => x.role === 'task')) {
    const all = (await listReplicas(engine, plan.sandboxId, s.name)).filter(
      (r) => r.labels[LABEL.composeOneoff] !== 'True',
    );
    const dead: Replica[] = all.filter((r) => r.state === 'exited' || r.state === 'dead');
    for (const r of dead) {
      const d = await engine.inspectContainer(r.id).catch(() => undefined);
      emit({
        type: 'replica.died',
        service: s.name,
        replica: r.number,
        container: r.name,
        exitCode: d?.exitCode ?? -1,
        oomKilled: d?.oomKilled ?? false,
      });
      await engine.removeContainer(r.id, { force: true });
    }
    const alive = all.filter((r) => !dead.includes(r) && r.state !== 'removing');
    const want = desired[s.name] ?? s.replicas;
    const missing = want - alive.length;
    if (missing <= 0 || signal?.aborted) continue;
    const start = Date.now();
    const numbers = freeNumbers(
      alive.map((r) => r.number),
      missing,
    );
    let started: Awaited<ReturnType<typeof startReplicas>>;
    try {
      started = await startReplicas(plan, s, numbers, { engine, emit });
    } catch (err) {
      // 409: `scale` (or another `up`) is creating the same replica right now; the next pass
      // sees it. Anything else is the supervisor's to report.
      if ((err as { statusCode?: number }).statusCode === 409) continue;
      throw err;
    }
    await Promise.all(
      started.map(async (r, i) => {
        const ms = await waitHealthy(engine, r.id, r.name, s, signal ? { signal } : {});
        emit(healthyEvent(s.name, r, ms));
        emit({
          type: 'replica.replaced',
          service: s.name,
          died: dead[i]?.name ?? '(missing replica)',
          replacement: r.name,
          ms: Date.now() - start,
        });
      }),
    );
  }
}

/** Kills a replica (SIGKILL by default), as a chaos action or the dashboard's `k` would. */
export async function killReplica(
  engine: Engine,
  replica: Replica,
  emit: Emit,
  signal = 'SIGKILL',
): Promise<void> {
  await engine.killContainer(replica.id, signal);
  emit({
    type: 'replica.killed',
    service: replica.service,
    replica: replica.number,
    container: replica.name,
    signal,
  });
}

/**
 * Reissues the TLS edge's leaf certificate when it is within a day of expiry and hands it to the
 * running proxy over its admin channel (`PUT /tls`): new connections get the new certificate.
 */
export async function renewEdgeCertificate(
  plan: Plan,
  engine: Engine,
  emit: Emit,
  now = new Date(),
): Promise<boolean> {
  if (!plan.proxy) return false;
  const certFile = join(plan.stateDir, EDGE_FILES.cert);
  const before = await readFile(certFile, 'utf8').catch(() => '');
  await writeEdgeFiles(plan, emit, now);
  const cert = await readFile(certFile, 'utf8');
  if (cert === before) return false;
  const admin = await edgeAdmin(plan, engine);
  if (!admin) return false;
  const key = await readFile(join(plan.stateDir, EDGE_FILES.key), 'utf8');
  const r = await adminCall(admin, 'PUT', '/tls', { cert, key });
  if (r.status !== 200)
    throw new Error(`the proxy refused the renewed certificate (HTTP ${r.status})`);
  emit({ type: 'warning', message: 'renewed the TLS edge certificate' });
  return true;
}
