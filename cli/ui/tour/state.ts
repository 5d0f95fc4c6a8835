import type { RehearsalEvent } from '../../../sandbox/events.js';
import type { TourStep } from '../../../sandbox/live/tour.js';
import type { Completion } from '../lifecycle.js';
import type { Outcome } from '../../../sandbox/verdict.js';

export type StepVerdict = Outcome;

/** What became of one step of the tour. */
export interface StepRun {
  state: 'waiting' | 'running' | 'done' | 'failed' | 'stopped';
  /** What the check or chaos run is doing now. */
  progress?: string;
  /** Verdicts seen so far, by requirement id (checks) or chaos verdict name. */
  seen: Record<string, StepVerdict>;
  /** The verdict of the step's requirement, once decided, with its reason. */
  result?: { verdict: StepVerdict; why: string };
  error?: string;
}

export interface TourState {
  steps: readonly TourStep[];
  index: number;
  runs: StepRun[];
  /** Set when the tour is over: the lifecycle root turns it into the exit. */
  outcome?: Completion<number>;
  quitting: boolean;
}

export type TourAction =
  | RehearsalEvent
  | { type: 'tour.go'; index: number }
  | {
      type: 'tour.run';
      index: number;
      state: StepRun['state'];
      result?: StepRun['result'];
      error?: string;
    }
  | { type: 'tour.quitting' }
  | { type: 'tour.outcome'; outcome: Completion<number> };

const fresh = (): StepRun => ({ state: 'waiting', seen: {} });

export function initialTour(steps: readonly TourStep[]): TourState {
  return { steps, index: 0, runs: steps.map(fresh), quitting: false };
}

function update(s: TourState, i: number, change: (r: StepRun) => StepRun): TourState {
  const r = s.runs[i];
  if (!r) return s;
  return { ...s, runs: s.runs.map((x, j) => (j === i ? change(x) : x)) };
}

/** The tour's reducer: navigation, each step's run, and the running step's events. */
export function tourReducer(s: TourState, a: TourAction): TourState {
  const running = s.runs.findIndex((r) => r.state === 'running');
  switch (a.type) {
    case 'tour.go':
      return a.index === s.index || a.index < 0 || a.index >= s.steps.length
        ? s
        : { ...s, index: a.index };
    case 'tour.run':
      return update(s, a.index, (r) => ({
        ...(a.state === 'running' ? fresh() : r),
        state: a.state,
        ...(a.result ? { result: a.result } : {}),
        ...(a.error ? { error: a.error } : {}),
      }));
    case 'tour.quitting':
      return { ...s, quitting: true };
    case 'tour.outcome':
      return { ...s, outcome: a.outcome };
    case 'check.step':
      return update(s, running, (r) => ({ ...r, progress: a.text }));
    case 'requirement.judged':
      return update(s, running, (r) => ({ ...r, seen: { ...r.seen, [a.requirement]: a.outcome } }));
    case 'chaos.planned':
      return update(s, running, (r) => ({
        ...r,
        progress: `chaos under traffic: seed ${a.seed}, ${a.actions} actions`,
      }));
    case 'chaos.action':
      return update(s, running, (r) => ({ ...r, progress: `chaos ${a.description}` }));
    case 'sandbox.ready':
      return update(s, running, (r) => ({
        ...r,
        progress: `${a.sandboxId} is up: ${a.replicas} container(s) healthy`,
      }));
    default:
      return s;
  }
}
