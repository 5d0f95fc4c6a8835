import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { Engine } from '../../engine/engine.js';
import type { Emit } from '../../events.js';
import { LABEL } from '../../labels.js';
import { COLLECTOR_SERVICE } from '../../plan/collector.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { runOneOff } from '../../sandbox/one-off.js';
import { listReplicas } from '../../sandbox/replicas.js';
import { waitHealthy } from '../../sandbox/health.js';
import { startReplicas } from '../../sandbox/up.js';
import type { Canaries } from '../../traffic/canary.js';
import type { TrafficSpec } from '../../traffic/journeys.js';
import { taskTrafficSpec, type TrafficOverlays } from '../../traffic/task-traffic.js';
import { VERSION } from '../../version.js';
import { sandboxMap, startNetwatch, type ReplicaNetwork } from './netwatch.js';
import {
  edgeHost,
  offlineRequests,
  sendOfflineJourneys,
  type OfflineJourney,
} from './offline-journeys.js';

/** One task started on the network with no route out. */
export interface OfflineTask {
  task: string;
  replica: string;
  healthy: boolean;
  /** Time to healthy, or how long it was given. */
  ms: number;
  /** The last health reading: `GET /health → 200`, `exited with code 1`… */
  detail: string;
  smoke?: { exitCode: number; output: string[]; timedOut: boolean };
  /** One pass of the task's journeys, sent to it once healthy (sandbox/checks/facts/offline-journeys.ts). */
  journeys?: OfflineJourney[];
  network?: ReplicaNetwork;
}

/** The traffic the offline replicas get: each task's spec (as chaos sends it) and the canaries. */
export interface OfflineTraffic {
  specs: Record<string, TrafficSpec>;
  canaries: Canaries;
}

/**
 * Each task's spec: the one its traffic phase sent (`sent`: declared, or derived from what the
 * running task published), else `taskTrafficSpec`, the builder `chaos` and every phase share.
 */
export function offlineTraffic(
  plan: Plan,
  tasks: ServicePlan[],
  overlays: TrafficOverlays,
  canaries: Canaries,
  sent: ReadonlyMap<string, TrafficSpec> = new Map(),
): OfflineTraffic {
  return {
    specs: Object.fromEntries(
      tasks.map((s) => [s.name, sent.get(s.name) ?? taskTrafficSpec(plan, s, overlays)]),
    ),
    canaries,
  };
}

/** An initialization task run again on the network with no route out, before the tasks. */
export interface OfflineInitialization {
  task: string;
  exitCode: number;
  ms: number;
  timedOut: boolean;
  /** Its last lines: what it fetched, or why it could not. */
  output: string[];
}

/** Offline-friendly is judged on these. */
export interface OfflineFacts {
  network: string;
  tasks: OfflineTask[];
  initialization?: OfflineInitialization[];
  error?: string;
}

const SMOKE_TIMEOUT_MS = 60_000;

/**
 * The offline phase: a second, `internal` network (no route out of the host), a fresh empty
 * database on it, the sandbox's own services (collector, identity provider, edge) attached to it
 * under their names, and one new replica of each HTTP task on it alone. Each must bootstrap
 * (healthy within `budgetMs`, probed from inside the network: internal networks publish no
 * ports), answer its journeys and pass its smoke test; a capture lists what it tried to reach.
 */
export async function offlineFacts(
  plan: Plan,
  engine: Engine,
  emit: Emit,
  smoke: Record<string, string[] | undefined>,
  budgetMs: number,
  signal?: AbortSignal,
  traffic?: OfflineTraffic,
): Promise<OfflineFacts> {
  const network = `${plan.sandboxId}_offline`;
  const facts: OfflineFacts = { network, tasks: [] };
  const labels = { [LABEL.sandbox]: plan.sandboxId, [LABEL.version]: VERSION };
  const offline: Plan = { ...plan, network };
  try {
    await engine.ensureNetwork(
      network,
      { ...labels, [LABEL.composeProject]: plan.sandboxId, [LABEL.composeNetwork]: 'offline' },
      { internal: true },
    );
    const db = plan.services.find((s) => s.role === 'database');
    if (db) {
      const fresh: ServicePlan = {
        ...db,
        name: `${db.name}-offline`,
        aliases: [db.name, ...db.aliases],
        volumes: db.volumes.map((v) => ({ ...v, volume: `${plan.sandboxId}_offline-data` })),
      };
      for (const v of fresh.volumes)
        await engine.ensureVolume(v.volume, { ...labels, [LABEL.composeProject]: plan.sandboxId });
      const [started] = await startReplicas(offline, fresh, [1], { engine, emit });
      // The initialization tasks need the database; the web tasks only poll until it answers.
      if (started && plan.services.some((s) => s.role === 'init'))
        await waitHealthy(engine, started.id, started.name, fresh, { timeoutMs: budgetMs });
    }
    // Rehearsal's own services stay reachable under their names (and the edge's host names).
    for (const s of plan.services.filter((x) => ['collector', 'idp', 'proxy'].includes(x.role)))
      for (const r of await listReplicas(engine, plan.sandboxId, s.name))
        if (r.state === 'running')
          await engine.connectNetwork(network, r.id, [s.name, ...s.aliases]);
  } catch (err) {
    return {
      ...facts,
      error: `the offline network could not be set up: ${(err as Error).message.split('\n')[0]}`,
    };
  }
  const prober = (await listReplicas(engine, plan.sandboxId, COLLECTOR_SERVICE)).find(
    (r) => r.state === 'running',
  );
  if (!prober)
    return {
      ...facts,
      error: 'the trace collector (which probes health inside the offline network) is not running',
    };

  // Initialization first, as `up` runs it: it must complete without a route out too.
  for (const s of plan.services.filter((x) => x.role === 'init')) {
    const r = await runOneOff(offline, s, engine, {
      kind: 'offline',
      keepLines: 8,
      timeoutMs: budgetMs,
      ...(signal ? { signal } : {}),
    });
    (facts.initialization ??= []).push({
      task: s.name,
      exitCode: r.exitCode,
      ms: r.ms,
      timedOut: r.timedOut,
      output: r.output,
    });
  }
  const tasks = plan.services.filter((s) => s.role === 'task' && s.probe);
  // Eight at a time: each is a replica, a capture, health probes and a smoke test, and mostly
  // waits; a task that never gets healthy offline holds its slot for the whole budget. The
  // probes themselves run two at a time: each is a Node process inside the collector, whose
  // memory limit (128 MiB) the kernel enforces by killing what runs there (seen with 17 at once).
  const limit = pLimit(8);
  const probing = pLimit(2);
  const run: OfflineRun = {
    plan,
    offline,
    engine,
    emit,
    smoke,
    budgetMs,
    probe: (command) => probing(() => engine.exec(prober.id, command)),
    ...(signal ? { signal } : {}),
    ...(traffic ? { traffic } : {}),
  };
  await Promise.all(
    tasks.map((s) =>
      limit(async () => {
        const t = await offlineTask(run, s);
        if (t) facts.tasks.push(t);
      }),
    ),
  );
  return facts;
}

/** What each task's offline run shares. */
interface OfflineRun {
  plan: Plan;
  /** The plan on the offline network. */
  offline: Plan;
  engine: Engine;
  emit: Emit;
  smoke: Record<string, string[] | undefined>;
  budgetMs: number;
  /** Runs a command inside the collector, on the offline network (two at a time). */
  probe: (command: string[]) => Promise<{ exitCode: number; output: string[] }>;
  signal?: AbortSignal;
  traffic?: OfflineTraffic;
}

/**
 * One task on the offline network: a new replica, healthy within the budget, one pass of its
 * journeys, its smoke test, and what it tried to reach meanwhile.
 */
async function offlineTask(run: OfflineRun, s: ServicePlan): Promise<OfflineTask | undefined> {
  const { plan, offline, engine, emit, smoke, budgetMs, signal, traffic } = run;
  const off: ServicePlan = { ...s, name: `${s.name}-offline`, aliases: [], replicas: 1 };
  const [started] = await startReplicas(offline, off, [1], { engine, emit });
  if (!started) return;
  const replica = (await listReplicas(engine, plan.sandboxId, off.name)).find(
    (r) => r.id === started.id,
  )!;
  const watch = await startNetwatch(plan, engine, replica);
  // A DNS label holds 63 characters: a longer container name (a long product and task name)
  // does not resolve (ENOTFOUND), so such a replica is probed at its address.
  const ip =
    started.name.length > 63
      ? (await engine.inspectContainer(started.id).catch(() => undefined))?.ipAddress
      : undefined;
  const url = `http://${ip ?? started.name}:${s.probe!.port}`;
  const t: OfflineTask = {
    task: s.name,
    replica: started.name,
    healthy: false,
    ms: 0,
    detail: '',
  };
  const begin = Date.now();
  while (Date.now() - begin < budgetMs && !signal?.aborted) {
    const d = await engine.inspectContainer(started.id);
    if (d.state !== 'running') {
      t.detail = `${d.state}, exit code ${d.exitCode}${await lastLine(engine, started.id)}`;
      break;
    }
    const probe = await run
      .probe([
        'node',
        '-e',
        `fetch(${JSON.stringify(url + s.probe!.path)},{signal:AbortSignal.timeout(2000)}).then(r=>{console.log('GET ${s.probe!.path} → '+r.status);process.exit(r.status<400?0:1)},e=>{console.log('GET ${s.probe!.path}: '+(e.cause?.code??e.name));process.exit(1)})`,
      ])
      .catch((err: Error) => ({ exitCode: -1, output: [err.message] }));
    t.detail = probe.output.join(' ').trim() || t.detail;
    if (probe.exitCode === 0) {
      t.healthy = true;
      break;
    }
    await sleep(1000);
  }
  t.ms = Date.now() - begin;
  const spec = traffic?.specs[s.name];
  if (t.healthy && spec && traffic)
    t.journeys = await sendOfflineJourneys(
      run.probe,
      url,
      edgeHost(plan, s.name) ?? started.name,
      offlineRequests(spec, `off${begin.toString(36)}`, traffic.canaries),
    );
  const command = smoke[s.name];
  if (t.healthy && command) {
    const r = await runOneOff(offline, s, engine, {
      kind: 'smoke-offline',
      command,
      env: { REHEARSAL_URL: url },
      keepLines: 50,
      timeoutMs: SMOKE_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    t.smoke = { exitCode: r.exitCode, output: r.output, timedOut: r.timedOut };
  }
  t.network = await watch.stop(await sandboxMap(plan, engine));
  await engine.removeContainer(started.id, { force: true });
  return t;
}

/** The replica's last line of output, as evidence of why it stopped (empty when it has none). */
async function lastLine(engine: Engine, id: string): Promise<string> {
  let last = '';
  try {
    for await (const l of engine.logs(id, { follow: false, tail: 1 })) last = l.text.trim();
  } catch {
    return '';
  }
  return last ? `; its last line: ${last.slice(0, 300)}` : '';
}
