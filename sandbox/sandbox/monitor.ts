import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import type { Plan } from '../plan/types.js';
import { listReplicas } from './replicas.js';

export interface MonitorOptions {
  engine: Engine;
  emit: Emit;
  signal: AbortSignal;
  /** Time between the starts of two samples. */
  intervalMs?: number;
}

export const MONITOR_INTERVAL_MS = 2000;

/**
 * Samples the memory and CPU of every running replica of the sandbox every `intervalMs` and
 * emits one `replica.stats` per replica, until the signal aborts. A failed round is reported once
 * as a warning (not every two seconds) and the next round is tried anyway: a dashboard must not
 * die because the engine hiccupped.
 */
export async function monitor(plan: Plan, options: MonitorOptions): Promise<void> {
  const { engine, emit, signal } = options;
  const interval = options.intervalMs ?? MONITOR_INTERVAL_MS;
  const reported = new Set<string>();
  while (!signal.aborted) {
    const started = Date.now();
    try {
      await sampleOnce(plan, engine, emit, signal);
    } catch (err) {
      const message = `monitor: ${(err as Error).message}`;
      if (!signal.aborted && !reported.has(message)) {
        reported.add(message);
        emit({ type: 'warning', message });
      }
    }
    try {
      await sleep(Math.max(0, interval - (Date.now() - started)), undefined, { signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      throw err;
    }
  }
}

/**
 * One round: a sample per running replica, taken in parallel. A replica that stops or goes away
 * between the listing and its sample is skipped (the engine answers 404 or 409 for it).
 * Returns how many samples were emitted.
 */
export async function sampleOnce(
  plan: Plan,
  engine: Engine,
  emit: Emit,
  signal?: AbortSignal,
): Promise<number> {
  const running = (await listReplicas(engine, plan.sandboxId)).filter(
    (r) => r.state === 'running' && r.labels[LABEL.composeOneoff] !== 'True',
  );
  const samples = await Promise.all(
    running.map(async (r) => {
      try {
        return { r, usage: await engine.stats(r.id) };
      } catch (err) {
        const code = (err as { statusCode?: number }).statusCode;
        if (code === 404 || code === 409) return undefined;
        throw err;
      }
    }),
  );
  let emitted = 0;
  for (const s of samples) {
    if (!s || signal?.aborted) continue;
    emit({
      type: 'replica.stats',
      service: s.r.service,
      replica: s.r.number,
      container: s.r.name,
      ...s.usage,
    });
    emitted++;
  }
  return emitted;
}
