import type { ChaosAction, ChaosKind } from './action.js';
import { seededRandom, type Random } from './prng.js';

export interface Bounds {
  /** instances_minimum of the task. */
  min: number;
  /** instances_maximum (a cap of min + 4 when the declaration has none). */
  max: number;
  /** The count when the run starts. */
  initial: number;
}

export interface ScheduleOptions {
  seed: number;
  durationMs: number;
  /** Actions per minute. */
  perMinute: number;
  bounds: Bounds;
  /** False when the sandbox has no database: no db-restart. */
  database: boolean;
  /** The kinds the engine can carry out (all when absent). */
  kinds?: readonly ChaosKind[];
}

/** How often each kind is drawn, relative to the others. */
const WEIGHTS: Record<ChaosKind, number> = {
  kill: 4,
  stop: 2,
  scale: 3,
  pause: 1,
  disconnect: 1,
  'db-restart': 1,
  'replace-all': 1,
};

/** Drawn first, in a seeded order, so every verdict has the actions it needs to be decided. */
const ESSENTIAL: (ChaosKind | 'scale-up' | 'scale-down')[] = [
  'kill',
  'scale-up',
  'replace-all',
  'scale-down',
  'kill',
];

/** Actions start in the first part of the run; the rest lets the service recover under traffic. */
const ACTIVE_SHARE = 0.8;

/**
 * The random schedule of a run: `round(perMinute × minutes)` actions (at least one), spread over
 * the first 80 % of the run with seeded jitter. Everything comes from the seed: one seed, one
 * schedule. The simulated replica count keeps every action inside the declared bounds: a fault
 * that would take the count below `min` is not drawn, nor a scale outside `min..max`.
 */
export function randomSchedule(o: ScheduleOptions): ChaosAction[] {
  const rng = seededRandom(o.seed);
  const count = Math.max(1, Math.round((o.perMinute * o.durationMs) / 60_000));
  const slot = (o.durationMs * ACTIVE_SHARE) / count;
  const essential = shuffle(
    ESSENTIAL.filter((k) => k !== 'replace-all' || count >= ESSENTIAL.length),
    rng,
  ).slice(0, count);
  const out: ChaosAction[] = [];
  let replicas = o.bounds.initial;
  for (let seq = 1; seq <= count; seq++) {
    const atMs = Math.floor((seq - 1) * slot + rng.next() * slot * 0.5);
    const first = essential.shift();
    const direction = first === 'scale-up' ? 1 : first === 'scale-down' ? -1 : 0;
    const wanted: ChaosKind =
      first === undefined
        ? rng.weighted(allowedKinds(o, replicas))
        : direction !== 0
          ? 'scale'
          : (first as ChaosKind);
    const kind = allowedKinds(o, replicas).some(([k]) => k === wanted)
      ? wanted
      : rng.weighted(allowedKinds(o, replicas));
    const action = draw(kind, seq, atMs, replicas, o.bounds, rng, direction);
    if (action.to !== undefined) replicas = action.to;
    out.push(action);
  }
  return out;
}

function allowedKinds(o: ScheduleOptions, replicas: number): [ChaosKind, number][] {
  const faults = replicas - 1 >= o.bounds.min;
  const scalable = o.bounds.max > o.bounds.min;
  return (Object.entries(WEIGHTS) as [ChaosKind, number][]).filter(([k]) => {
    if (o.kinds && !o.kinds.includes(k)) return false;
    if (k === 'kill' || k === 'stop' || k === 'pause' || k === 'disconnect') return faults;
    if (k === 'scale') return scalable;
    if (k === 'db-restart') return o.database;
    return true;
  });
}

function draw(
  kind: ChaosKind,
  seq: number,
  atMs: number,
  replicas: number,
  b: Bounds,
  rng: Random,
  direction: number,
): ChaosAction {
  switch (kind) {
    case 'scale': {
      // Up or down by one or two (the way `direction` says, when it can), never staying put,
      // never leaving the bounds.
      const all: number[] = [];
      for (let to = Math.max(b.min, replicas - 2); to <= Math.min(b.max, replicas + 2); to++)
        if (to !== replicas) all.push(to);
      const directed = all.filter((to) => Math.sign(to - replicas) === direction);
      const choices = directed.length > 0 ? directed : all;
      return { seq, atMs, kind, to: choices[rng.int(0, choices.length - 1)] ?? b.min };
    }
    case 'pause':
    case 'disconnect':
      return { seq, atMs, kind, target: rng.int(0, b.max - 1), holdMs: rng.int(10, 30) * 100 };
    case 'kill':
    case 'stop':
      return { seq, atMs, kind, target: rng.int(0, b.max - 1) };
    default:
      return { seq, atMs, kind };
  }
}

function shuffle<T>(items: T[], rng: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
