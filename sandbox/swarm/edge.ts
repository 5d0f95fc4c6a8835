import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import type { Plan } from '../plan/types.js';
import { waitHealthy } from '../sandbox/health.js';
import { configHash, listReplicas, SWARM_TASK_NAME, type Replica } from '../sandbox/replicas.js';
import { startReplicas } from '../sandbox/up.js';

/**
 * The TLS edge of a stack: a plain container (not a Swarm service) published on 127.0.0.1 only,
 * attached to the stack's attachable overlay network with every sandbox host name as an alias.
 * Swarm cannot publish on one address (host-mode ports and the routing mesh bind 0.0.0.0), so
 * nothing of the stack is published, and the edge reaches the tasks over the overlay: by the
 * service name, which resolves to every task with `endpoint_mode: dnsrr`, or to the service's
 * virtual IP (balanced by Swarm) with `vip`. Kept when its configuration is unchanged.
 */
export async function startEdge(
  plan: Plan,
  options: { engine: Engine; emit: Emit; signal?: AbortSignal; healthTimeoutMs?: number },
): Promise<number> {
  const { engine, emit } = options;
  const edge = plan.services.find((s) => s.role === 'proxy');
  if (!edge) return 0;
  const hash = configHash(plan, edge);
  const current = (await plainContainers(engine, plan.sandboxId)).filter(
    (r) => r.service === edge.name,
  );
  const keep = current.find(
    (r) => r.state === 'running' && r.labels[LABEL.composeConfigHash] === hash,
  );
  for (const r of current.filter((x) => x !== keep)) {
    await engine.removeContainer(r.id, { force: true });
    emit({ type: 'replica.removed', service: edge.name, replica: r.number, container: r.name });
  }
  const [replica] = keep
    ? [{ id: keep.id, name: keep.name, n: keep.number }]
    : await startReplicas(plan, edge, [1], { engine, emit });
  if (!replica) return 0;
  const ms = await waitHealthy(engine, replica.id, replica.name, edge, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.healthTimeoutMs ? { timeoutMs: options.healthTimeoutMs } : {}),
  });
  emit({
    type: 'replica.healthy',
    service: edge.name,
    replica: replica.n,
    container: replica.name,
    ms,
  });
  return 1;
}

/** The sandbox's containers that Swarm does not manage: the edge (and one-off runs). */
export async function plainContainers(engine: Engine, sandboxId: string): Promise<Replica[]> {
  return (await listReplicas(engine, sandboxId)).filter((r) => !r.labels[SWARM_TASK_NAME]);
}
