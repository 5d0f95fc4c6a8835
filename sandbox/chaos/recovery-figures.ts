import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../sandbox/state.js';
import type { ActionResult, ChaosReport } from './report.js';

/** How fast one engine brought a killed replica back, over the kills of one run. */
export interface RecoveryFigures {
  engine: ChaosReport['engine'];
  /** When the run ended (ISO 8601). */
  at: string;
  kills: number;
  /** Kill → a replacement healthy, in milliseconds: mean and worst. */
  healthyMeanMs?: number;
  healthyMaxMs?: number;
  /** Kill → a replacement answering traffic through the TLS edge. */
  servingMeanMs?: number;
  servingMaxMs?: number;
}

/** The figures of a run's kills. */
export function recoveryFigures(
  engine: ChaosReport['engine'],
  results: ActionResult[],
  now = new Date(),
): RecoveryFigures {
  const kills = results.filter((r) => r.action.kind === 'kill');
  const stat = (values: (number | undefined)[], name: 'healthy' | 'serving') => {
    const v = values.filter((x): x is number => x !== undefined);
    if (v.length === 0) return {};
    return {
      [`${name}MeanMs`]: Math.round(v.reduce((a, b) => a + b, 0) / v.length),
      [`${name}MaxMs`]: Math.max(...v),
    };
  };
  return {
    engine,
    at: now.toISOString(),
    kills: kills.length,
    ...stat(
      kills.map((k) => k.replacementHealthyMs),
      'healthy',
    ),
    ...stat(
      kills.map((k) => k.replacementServingMs),
      'serving',
    ),
  };
}

const file = (engine: string) => `recovery-${engine}.json`;

/**
 * Keeps this run's figures in the sandbox's state folder (when it killed anything) and returns
 * them with the last ones recorded on the other engine, so a Swarm run's report shows Swarm's
 * recovery next to Rehearsal's own on plain Docker, and the other way round.
 */
export async function recordRecovery(
  stateDir: string,
  figures: RecoveryFigures,
): Promise<{ this: RecoveryFigures; other?: RecoveryFigures }> {
  if (figures.kills > 0)
    await writeAtomic(join(stateDir, file(figures.engine)), `${JSON.stringify(figures)}\n`);
  const otherEngine = figures.engine === 'swarm' ? 'docker' : 'swarm';
  const other = await readFile(join(stateDir, file(otherEngine)), 'utf8').then(
    (text) => JSON.parse(text) as RecoveryFigures,
    () => undefined,
  );
  return { this: figures, ...(other ? { other } : {}) };
}
