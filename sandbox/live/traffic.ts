import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { listReplicas } from '../sandbox/replicas.js';
import { edgeTarget } from '../traffic/edge-client.js';
import type { TaskOverlay } from '../declaration/types.js';
import { TrafficGenerator } from '../traffic/generator.js';
import { resolveTraffic } from '../traffic/journeys.js';
import { runningTaskTraffic } from '../traffic/task-traffic.js';

/** Steady traffic for a running sandbox: what the dashboard's `t` turns on. */
export interface LiveTraffic {
  /** The task the traffic goes to. */
  service: string;
  /** Stops after the requests in flight; resolves when they are done. */
  stop(): Promise<void>;
}

export interface LiveTrafficOptions {
  engine: Engine;
  emit: Emit;
  /** Requests per second (default 20) and in flight (default 4): light enough to leave running. */
  rps?: number;
  concurrency?: number;
  /** The task to aim at (default: the first task behind the TLS edge). */
  service?: string;
  /** A safety stop: traffic ends by itself after this long (default one hour). */
  maxDurationMs?: number;
  /** The task's rehearsal.yaml settings: its declared journeys and smoke path. */
  overlay?: TaskOverlay;
}

/**
 * Starts the chaos run's traffic generator (the task's journeys: for the reference service
 * reads, write-then-read and cross-replica sessions; for a CDS Hooks service the calls derived
 * from its discovery) through the sandbox's TLS edge, with no chaos: a `traffic.sample` event every second, its
 * per-replica counts keyed by container name. Runs until `stop()` or `maxDurationMs`.
 */
export function startTraffic(plan: Plan, options: LiveTrafficOptions): LiveTraffic {
  const service =
    options.service ??
    plan.services.find(
      (s) => s.role === 'task' && plan.proxy?.routes.some((r) => r.service === s.name),
    )?.name;
  const target = service ? edgeTarget(plan, service) : undefined;
  if (!service || !target)
    throw new UserError(
      'traffic needs an HTTP task behind the TLS edge, and this sandbox has none',
      {
        hint: 'Declare a health path for the task in rehearsal.yaml so the edge routes to it.',
      },
    );
  // X-Replica is a container's short id (else the edge names the replica's address); the
  // dashboard speaks of container names.
  const names = new Map<string, string>();
  const refresh = async () => {
    for (const r of await listReplicas(options.engine, plan.sandboxId, service).catch(() => [])) {
      names.set(r.id.slice(0, 12), r.name);
      const ip = (await options.engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
      if (ip) names.set(ip, r.name);
    }
  };
  const task = plan.services.find((s) => s.name === service);
  const byName = async (counts: Record<string, number>) => {
    if (Object.keys(counts).some((k) => !names.has(k))) await refresh();
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [names.get(k) ?? k, v]));
  };
  const rps = options.rps ?? 20;
  const durationMs = options.maxDurationMs ?? 3_600_000;
  let generator: TrafficGenerator | undefined;
  let stopped = false;
  // The journeys `chaos` and `check` send: asked of the running task first (CDS Hooks discovery).
  const running = (async () => {
    await refresh();
    const overlays = options.overlay ? { [service]: options.overlay } : undefined;
    const { spec } = task
      ? await runningTaskTraffic(plan, task, overlays, target)
      : { spec: resolveTraffic(undefined, { reference: false, healthPath: '/' }) };
    if (spec.derivedFrom)
      options.emit({ type: 'traffic.derived', service, text: spec.derivedFrom });
    if (stopped) return;
    generator = new TrafficGenerator({
      target,
      spec,
      rps,
      concurrency: options.concurrency ?? 4,
      durationMs,
      maxRequests: Math.ceil((rps * durationMs) / 1000),
      runId: `rl${randomBytes(4).toString('hex')}`,
      onSample: (s) =>
        void byName(s.replicas).then((replicas) =>
          options.emit({ type: 'traffic.sample', ...s, replicas }),
        ),
    });
    await generator.run();
  })();
  return {
    service,
    async stop() {
      stopped = true;
      await generator?.stop();
      await running;
      generator?.close();
    },
  };
}
