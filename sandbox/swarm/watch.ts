import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL, sandboxFilter } from '../labels.js';
import type { Plan } from '../plan/types.js';
import { swarmSlot, SWARM_TASK_NAME } from '../sandbox/replicas.js';

/**
 * Watches Swarm repair a stack: on a swarm Rehearsal replaces nothing itself. From the engine's
 * container events of the sandbox's task containers it tells what happened as Rehearsal's own
 * supervisor would: a task stopped by Swarm (SIGTERM, then gone), a task that died, a new task
 * healthy by Swarm's health check, and, when it fills the slot of one that died, the replacement
 * with Swarm's time from the death to the new task's health. Ends when the signal aborts.
 */
export async function watchSwarm(
  plan: Plan,
  options: { engine: Engine; emit: Emit; signal: AbortSignal },
): Promise<void> {
  const { engine, emit, signal } = options;
  const tasks = new Set(plan.services.filter((s) => s.role === 'task').map((s) => s.name));
  const stopping = new Set<string>();
  const healthy = new Set<string>();
  const started = new Map<string, number>();
  const died = new Map<string, { name: string; at: number }>();
  for await (const e of engine.events(sandboxFilter(plan.sandboxId), signal)) {
    const service = e.labels[LABEL.composeService] ?? '';
    if (!tasks.has(service) || !e.labels[SWARM_TASK_NAME]) continue;
    const replica = swarmSlot(e.labels) ?? 0;
    const slot = `${service}.${replica}`;
    const who = { service, replica, container: e.name };
    if (e.action === 'start') started.set(e.id, e.time);
    else if (e.action === 'kill' && e.labels.signal === '15' && !stopping.has(e.id)) {
      stopping.add(e.id);
      emit({ type: 'replica.stopping', ...who, reason: 'Swarm stops it' });
    } else if (e.action === 'die') {
      if (stopping.delete(e.id)) emit({ type: 'replica.removed', ...who });
      else {
        died.set(slot, { name: e.name, at: e.time });
        emit({
          type: 'replica.died',
          ...who,
          exitCode: Number(e.labels.exitCode ?? -1),
          oomKilled: false,
        });
      }
    } else if (e.action === 'health_status: healthy' && !healthy.has(e.id)) {
      healthy.add(e.id);
      emit({
        type: 'replica.healthy',
        ...who,
        ms: e.time - (started.get(e.id) ?? e.time),
        id: e.id,
      });
      const gone = died.get(slot);
      if (gone) {
        died.delete(slot);
        emit({
          type: 'replica.replaced',
          service,
          died: gone.name,
          replacement: e.name,
          ms: e.time - gone.at,
        });
      }
    }
  }
}
