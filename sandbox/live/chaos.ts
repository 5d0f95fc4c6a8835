import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { DEFAULTS } from '../defaults.js';
import { AbortedError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { describeAction } from '../chaos/action.js';
import { newSeed } from '../chaos/prng.js';
import { chaosSchedule, chaosTarget, runChaos, type ChaosReport } from '../chaos/run.js';
import { chaosFinished } from '../chaos/verdicts.js';

/** `rehearsal chaos`'s defaults (sandbox/defaults.ts), in the units a run takes. */
export const LIVE_CHAOS_DEFAULTS = {
  perMinute: DEFAULTS.chaos.perMinute,
  durationMs: DEFAULTS.chaos.durationSeconds * 1000,
  rps: DEFAULTS.chaos.rps,
} as const;

/** A chaos run started on a running sandbox: what the dashboard's `c` turns on and off. */
export interface LiveChaos {
  seed: number;
  service: string;
  journal: string;
  bounds: { min: number; max: number; initial: number };
  /** Every planned action, in order: the dashboard shows the next one. */
  schedule: { seq: number; atMs: number; description: string }[];
  /**
   * Resolves with the report when the run ends by itself (its verdicts were emitted), or with
   * undefined when `stop()` ended it first (no verdict: the evidence is incomplete).
   */
  done: Promise<ChaosReport | undefined>;
  /** Stops traffic and chaos; the task is brought back to the count it had before the run. */
  stop(): Promise<void>;
}

export interface LiveChaosOptions {
  engine: Engine;
  emit: Emit;
  seed?: number;
  perMinute?: number;
  durationMs?: number;
}

/**
 * Starts random chaos under live traffic on a sandbox that is up, as `rehearsal chaos` would
 * (seeded schedule within instances_minimum..maximum, journal in the sandbox's state folder),
 * and lets the caller stop it at any time. The caller must not run its own supervisor meanwhile:
 * the chaos run supervises the sandbox itself.
 */
export async function startChaos(plan: Plan, options: LiveChaosOptions): Promise<LiveChaos> {
  const seed = options.seed ?? newSeed();
  const settings = {
    seed,
    durationMs: options.durationMs ?? LIVE_CHAOS_DEFAULTS.durationMs,
    perMinute: options.perMinute ?? LIVE_CHAOS_DEFAULTS.perMinute,
    rps: LIVE_CHAOS_DEFAULTS.rps,
    mode: 'random' as const,
  };
  const { service, bounds } = await chaosTarget(plan);
  const actions = chaosSchedule(
    settings,
    bounds,
    plan.services.some((s) => s.role === 'database'),
  );
  const journal = join(
    plan.stateDir,
    `chaos-${seed}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
  const stopping = new AbortController();
  const done = runChaos(
    plan,
    { ...settings, actions, service: service.name },
    { engine: options.engine, emit: options.emit, signal: stopping.signal, journalFile: journal },
  ).then(
    (report) => {
      if (!stopping.signal.aborted) options.emit(chaosFinished(report));
      return report;
    },
    (err: unknown) => {
      if (err instanceof AbortedError && stopping.signal.aborted) return undefined;
      throw err;
    },
  );
  return {
    seed,
    service: service.name,
    journal,
    bounds,
    schedule: actions.map((a) => ({
      seq: a.seq,
      atMs: a.atMs,
      description: describeAction(a).replace(/^#\d+ at [\d.]+ s: /, ''),
    })),
    done,
    async stop() {
      stopping.abort();
      await done.catch(() => undefined);
    },
  };
}
