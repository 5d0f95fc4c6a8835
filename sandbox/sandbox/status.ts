import type { Engine } from '../engine/engine.js';
import type { Plan } from '../plan/types.js';
import { readHealth, type ReplicaHealth } from './health.js';
import { listReplicas, SWARM_TASK_NAME } from './replicas.js';

export interface ReplicaStatus {
  service: string;
  role: string;
  /** web, worker, initialization or cron: a declared task's kind. */
  kind?: string;
  replica: number;
  container: string;
  state: string;
  health: ReplicaHealth | 'unknown';
  detail: string;
  /** Seconds since the container started. */
  uptimeSeconds?: number;
  /** Internal port → `http://127.0.0.1:<host port>` (tasks) or `127.0.0.1:<host port>` (others). */
  urls: Record<string, string>;
  memoryLimitBytes: number;
}

export interface SandboxStatus {
  sandboxId: string;
  /** The TLS edge's URL of each HTTP task: the same from the browser and from any container. */
  endpoints: { service: string; url: string }[];
  services: {
    name: string;
    role: string;
    kind?: string;
    desired: number;
    running: number;
    healthy: number;
    bounds: [number, number | null];
  }[];
  replicas: ReplicaStatus[];
}

/** What runs now, with one health reading per replica (probes run in parallel). */
export async function status(
  plan: Plan,
  engine: Engine,
  now: () => number = Date.now,
): Promise<SandboxStatus> {
  // Swarm keeps the containers of ended tasks as history; they are not the stack's replicas.
  const replicas = (await listReplicas(engine, plan.sandboxId)).filter(
    (r) => !(r.labels[SWARM_TASK_NAME] && (r.state === 'exited' || r.state === 'dead')),
  );
  const rows = await Promise.all(
    replicas.map(async (r): Promise<ReplicaStatus> => {
      const service = plan.services.find((s) => s.name === r.service);
      const base = {
        service: r.service,
        role: service?.role ?? 'unknown',
        ...(service?.kind ? { kind: service.kind } : {}),
        replica: r.number,
        container: r.name,
      };
      if (!service)
        return {
          ...base,
          state: r.state,
          health: 'unknown',
          detail: 'not in the plan',
          urls: {},
          memoryLimitBytes: 0,
        };
      try {
        const h = await readHealth(engine, r.id, service);
        const scheme = service.role === 'task' ? 'http://' : '';
        const urls = Object.fromEntries(
          Object.entries(h.details.published).map(([p, host]) => [p, `${scheme}127.0.0.1:${host}`]),
        );
        return {
          ...base,
          state: h.details.state,
          health: h.health,
          // An initialization task's container stays after it ran: say how it ended.
          detail:
            service.role === 'init' && h.health === 'stopped'
              ? `${h.details.exitCode === 0 ? 'completed' : 'failed'}: ${h.detail}`
              : h.detail,
          ...(h.details.startedAt && h.details.state === 'running'
            ? {
                uptimeSeconds: Math.max(
                  0,
                  Math.round((now() - Date.parse(h.details.startedAt)) / 1000),
                ),
              }
            : {}),
          urls,
          memoryLimitBytes: h.details.memoryLimitBytes,
        };
      } catch (err) {
        return {
          ...base,
          state: 'gone',
          health: 'unknown',
          detail: (err as Error).message,
          urls: {},
          memoryLimitBytes: 0,
        };
      }
    }),
  );
  return {
    sandboxId: plan.sandboxId,
    endpoints: (plan.proxy?.routes ?? []).map((r) => ({
      service: r.service,
      url: `https://${r.host}:${plan.proxy?.port ?? 8443}`,
    })),
    services: plan.services.map((s) => ({
      name: s.name,
      role: s.role,
      ...(s.kind ? { kind: s.kind } : {}),
      desired: s.replicas,
      running: rows.filter((r) => r.service === s.name && r.state === 'running').length,
      healthy: rows.filter((r) => r.service === s.name && r.health === 'healthy').length,
      bounds: [s.instancesMinimum, s.instancesMaximum ?? null],
    })),
    replicas: rows,
  };
}
