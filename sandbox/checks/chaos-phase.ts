import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosAction } from '../chaos/action.js';
import { describeAction } from '../chaos/action.js';
import { chaosTarget, runChaos } from '../chaos/run.js';
import type { Bounds } from '../chaos/schedule.js';
import type { Engine } from '../engine/engine.js';
import type { Emit, RehearsalEvent } from '../events.js';
import type { Plan } from '../plan/types.js';
import type { ChaosFacts } from './facts/types.js';
import type { TimelineSample } from './types.js';
import type { Canaries } from '../traffic/canary.js';
import type { TrafficOverlays } from '../traffic/task-traffic.js';

/** The seed a check's chaos run is journaled under: its schedule is fixed, not random. */
export const CHECK_CHAOS_SEED = 2016;

/**
 * The check's own chaos scenario, from the task's declared bounds: up to `instances_maximum` and
 * down to `instances_minimum` under traffic (horizontally and dynamically scalable), back to the
 * initial count, two SIGKILLs during writes (incorruptible) and every replica replaced at once
 * (ephemeral). Each action waits for the sandbox to heal from the previous one.
 */
export function checkScenario(bounds: Bounds): ChaosAction[] {
  const steps: Omit<ChaosAction, 'seq' | 'atMs'>[] = [];
  if (bounds.max > bounds.initial) steps.push({ kind: 'scale', to: bounds.max });
  if (bounds.min < Math.max(bounds.max, bounds.initial))
    steps.push({ kind: 'scale', to: bounds.min });
  if (bounds.initial !== bounds.min) steps.push({ kind: 'scale', to: bounds.initial });
  steps.push({ kind: 'kill', target: 0 }, { kind: 'kill', target: 1 }, { kind: 'replace-all' });
  return steps.map((s, i) => ({ ...s, seq: i + 1, atMs: 1000 + i * 3000 }));
}

export interface ChaosPhaseOptions {
  engine: Engine;
  emit: Emit;
  signal: AbortSignal;
  /** Appends the chaos traffic and actions to the report's timeline. */
  timeline: TimelineSample[];
  /** Requests per second through the edge during the phase. */
  rps?: number;
  /** Where the journals go (default: the sandbox's state folder). */
  journalDir?: string;
  /** rehearsal.yaml's tasks: their `traffic:` journeys, exactly as `rehearsal chaos` sends them. */
  overlays?: TrafficOverlays;
  /** The run's synthetic PHI, for the journeys' placeholders. */
  canaries?: Canaries;
}

/**
 * Runs the check scenario under live traffic against each HTTP task behind the TLS edge, one
 * after the other, and keeps what the chaos verdicts found. A task the phase could not run is
 * recorded with the reason (its chaos-based checks then say "not checked", never "pass").
 */
export async function runChaosPhase(plan: Plan, o: ChaosPhaseOptions): Promise<ChaosFacts[]> {
  const tasks = plan.services.filter(
    (s) => s.role === 'task' && s.probe && plan.proxy?.routes.some((r) => r.service === s.name),
  );
  const out: ChaosFacts[] = [];
  for (const service of tasks) {
    if (o.signal.aborted) break;
    const dir = o.journalDir ?? plan.stateDir;
    const journal = join(dir, `chaos-${service.name}.jsonl`);
    try {
      mkdirSync(dir, { recursive: true });
      const { bounds } = await chaosTarget(plan, service.name);
      const actions = checkScenario(bounds);
      o.emit({
        type: 'check.step',
        text: `chaos on ${service.name} under traffic: ${actions.length} actions between ${bounds.min} and ${bounds.max} replicas`,
      });
      const emit: Emit = (e: RehearsalEvent) => {
        if (e.type === 'traffic.sample')
          o.timeline.push({
            at: Date.now(),
            kind: 'traffic',
            ok: e.requests - Object.values(e.errors).reduce((a, b) => a + b, 0),
            failed: Object.values(e.errors).reduce((a, b) => a + b, 0),
            p99Ms: e.p99Ms,
          });
        else if (e.type === 'chaos.action')
          o.timeline.push({ at: Date.now(), kind: 'action', text: `chaos: ${e.description}` });
        o.emit(e);
      };
      const durationMs = (actions.at(-1)?.atMs ?? 0) + 3000;
      const report = await runChaos(
        plan,
        {
          seed: CHECK_CHAOS_SEED,
          durationMs,
          perMinute: 0,
          actions,
          mode: 'scenario',
          service: service.name,
          rps: o.rps ?? 20,
          // The check stops a replica of every task itself (Stoppable): its scenario leaves
          // the workers alone, so a worker's fault fails only its own requirement.
          workers: false,
          ...(o.overlays ? { overlays: o.overlays } : {}),
          ...(o.canaries ? { canaries: o.canaries } : {}),
        },
        { engine: o.engine, emit, signal: o.signal, journalFile: journal },
      );
      out.push({
        service: service.name,
        bounds,
        journal,
        verdicts: report.verdicts,
        actions: report.actions.map((a) => ({
          text: describeAction(a.action),
          ok: a.ok,
          detail: a.detail,
          failedRequests: a.failedRequests,
          recoveredMs: a.recoveredMs,
        })),
        traffic: {
          requests: report.traffic.requests,
          errors: report.traffic.errors,
          replicas: report.traffic.replicas,
          acknowledgedWrites: report.traffic.acknowledgedWrites,
          lostWrites: report.traffic.lostWrites,
          origin: report.traffic.origin,
        },
      });
    } catch (err) {
      if (o.signal.aborted) break;
      out.push({ service: service.name, journal, error: (err as Error).message });
    }
  }
  return out;
}
