/** Chaos on the worker tasks: no traffic to watch, so each fault waits for the worker to heal. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { ServicePlan } from '../plan/types.js';
import { readDesired } from '../sandbox/state.js';
import { describeAction, type ChaosAction } from './action.js';
import { execute, readRecovery, type ActionContext } from './execute.js';
import type { StopTiming } from './verdicts.js';

/** How long a worker may take to be back at its count, all healthy, after one fault. */
const RECOVERY_MS = 90_000;

/** One fault on a worker and how it came through. */
export interface WorkerFault {
  service: string;
  action: ChaosAction;
  ok: boolean;
  detail: string;
  /** From the action's start until the worker was back at its count, every replica healthy. */
  recoveredMs: number;
}

/**
 * Kills one replica of each worker (SIGKILL), stops another (SIGTERM, timed against the stop
 * budget), scales it up by one within its bounds and back: the supervisor replaces what dies, and
 * each fault waits until every replica is running and healthy again (its own health check, else
 * running and not restarting). A worker has no port: nothing is sent to it, so only recovery and
 * stop times are measured. `seq` numbers continue the run's own.
 */
export async function faultWorkers(
  ctx: ActionContext,
  workers: ServicePlan[],
  firstSeq: number,
  record: (fault: WorkerFault) => void,
): Promise<{ faults: WorkerFault[]; stops: StopTiming[] }> {
  const faults: WorkerFault[] = [];
  const stops: StopTiming[] = [];
  let seq = firstSeq;
  for (const service of workers) {
    const w: ActionContext = { ...ctx, service };
    const count = (await readDesired(ctx.plan.stateDir))?.[service.name] ?? service.replicas;
    const up = Math.min(service.instancesMaximum ?? count + 1, count + 1);
    const actions: Omit<ChaosAction, 'seq' | 'atMs'>[] = [
      { kind: 'kill', target: 0 },
      { kind: 'stop', target: 0 },
      ...(up > count
        ? [
            { kind: 'scale' as const, to: up },
            { kind: 'scale' as const, to: count },
          ]
        : []),
    ];
    for (const planned of actions) {
      if (ctx.signal.aborted) break;
      const action: ChaosAction = { ...planned, seq: seq++, atMs: ctx.clock() };
      const description = `worker ${service.name}: ${describeAction(action).replace(/^#\d+ at [\d.]+ s: /, '')}`;
      ctx.emit({
        type: 'chaos.action',
        seq: action.seq,
        kind: action.kind,
        description,
        atMs: action.atMs,
      });
      const start = Date.now();
      let ok = true;
      let detail: string;
      try {
        const out = await execute(action, w);
        stops.push(...out.stops);
        detail = out.detail;
      } catch (err) {
        ok = false;
        detail = `could not act: ${(err as Error).message}`;
      }
      const back = await recovered(w);
      if (!back.ok) ok = false;
      detail = `${detail}; ${back.ok ? `back to ${back.detail}` : `not healed after ${RECOVERY_MS / 1000} s: ${back.detail}`}`;
      const fault = { service: service.name, action, ok, detail, recoveredMs: Date.now() - start };
      faults.push(fault);
      record(fault);
      ctx.emit({
        type: 'chaos.result',
        seq: action.seq,
        kind: action.kind,
        ok,
        ms: fault.recoveredMs,
        detail,
        failedRequests: 0,
      });
    }
  }
  return { faults, stops };
}

async function recovered(ctx: ActionContext): Promise<{ ok: boolean; detail: string }> {
  const until = Date.now() + RECOVERY_MS;
  let last = { ok: false, detail: 'not read' };
  while (!ctx.signal.aborted) {
    last = await readRecovery(ctx).catch((err: Error) => ({ ok: false, detail: err.message }));
    if (last.ok || Date.now() > until) return last;
    await sleep(500);
  }
  return last;
}
