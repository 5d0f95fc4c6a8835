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
import { VERSION } from '../../version.js';
import { sandboxMap, startNetwatch, type ReplicaNetwork } from './netwatch.js';

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
  network?: ReplicaNetwork;
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
 * ports) and pass its smoke test; a capture lists what it tried to reach.
 */
export async function offlineFacts(
  plan: Plan,
  engine: Engine,
  emit: Emit,
  smoke: Record<string, string[] | undefined>,
  budgetMs: number,
  signal?: AbortSignal,
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
  await Promise.all(
    tasks.map((s) =>
      limit(async () => {
        const off: ServicePlan = { ...s, name: `${s.name}-offline`, aliases: [], replicas: 1 };
        const [started] = await startReplicas(offline, off, [1], { engine, emit });
        if (!started) return;
        const replica = (await listReplicas(engine, plan.sandboxId, off.name)).find(
          (r) => r.id === started.id,
        )!;
        const watch = await startNetwatch(plan, engine, replica);
        const url = `http://${started.name}:${s.probe!.port}`;
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
          const probe = await probing(() =>
            engine.exec(prober.id, [
              'node',
              '-e',
              `fetch(${JSON.stringify(url + s.probe!.path)},{signal:AbortSignal.timeout(2000)}).then(r=>{console.log('GET ${s.probe!.path} → '+r.status);process.exit(r.status<400?0:1)},e=>{console.log('GET ${s.probe!.path}: '+(e.cause?.code??e.name));process.exit(1)})`,
            ]),
          ).catch((err: Error) => ({ exitCode: -1, output: [err.message] }));
          t.detail = probe.output.join(' ').trim() || t.detail;
          if (probe.exitCode === 0) {
            t.healthy = true;
            break;
          }
          await sleep(1000);
        }
        t.ms = Date.now() - begin;
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
        facts.tasks.push(t);
      }),
    ),
  );
  return facts;
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
