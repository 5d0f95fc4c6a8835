/** What a chaos action does. Faults take a replica away for a while; scaling changes the count. */
export type ChaosKind =
  'kill' | 'stop' | 'scale' | 'pause' | 'disconnect' | 'db-restart' | 'replace-all';

export const CHAOS_KINDS: readonly ChaosKind[] = [
  'kill',
  'stop',
  'scale',
  'pause',
  'disconnect',
  'db-restart',
  'replace-all',
];

/**
 * One planned action. The schedule is decided before the run from the seed alone, so two runs
 * with one seed plan the same actions; which container `target` names is resolved when the
 * action runs (the replica at that index among the running ones, sorted by name).
 */
export interface ChaosAction {
  seq: number;
  /** When to start, in milliseconds from the start of the run. */
  atMs: number;
  kind: ChaosKind;
  /** kill, stop, pause, disconnect: an index into the running replicas (taken modulo their number). */
  target?: number;
  /** scale: the replica count to reach. */
  to?: number;
  /** pause, disconnect: how long before the replica is given back. */
  holdMs?: number;
}

/** The part of an action that must be equal between two runs with one seed. */
export function actionKey(a: ChaosAction): string {
  return JSON.stringify([a.seq, a.atMs, a.kind, a.target ?? null, a.to ?? null, a.holdMs ?? null]);
}

/** One line for `--dry-run` and the plain reporter. */
export function describeAction(a: ChaosAction): string {
  const at = `${(a.atMs / 1000).toFixed(1)} s`;
  switch (a.kind) {
    case 'scale':
      return `#${a.seq} at ${at}: scale to ${a.to}`;
    case 'pause':
    case 'disconnect':
      return `#${a.seq} at ${at}: ${a.kind} replica [${a.target}] for ${((a.holdMs ?? 0) / 1000).toFixed(1)} s`;
    case 'kill':
    case 'stop':
      return `#${a.seq} at ${at}: ${a.kind === 'kill' ? 'SIGKILL' : 'graceful stop of'} replica [${a.target}]`;
    case 'db-restart':
      return `#${a.seq} at ${at}: restart the database`;
    case 'replace-all':
      return `#${a.seq} at ${at}: replace every replica`;
  }
}
