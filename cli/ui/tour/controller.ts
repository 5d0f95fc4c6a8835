import { setMaxListeners } from 'node:events';
import type { Emit } from '../../../sandbox/events.js';
import type { TourStep } from '../../../sandbox/live/tour.js';
import type { Store } from '../store.js';
import type { StepRun, TourAction, TourState } from './state.js';

/** Runs one step; the tour binds it to sandbox/live/tour.ts, tests to a fake. */
export type StepRunner = (
  step: TourStep,
  emit: Emit,
  signal: AbortSignal,
) => Promise<NonNullable<StepRun['result']>>;

/**
 * The tour's session: coming to a step runs it (one at a time: leaving a running step stops it,
 * and its sandbox is removed); `q` stops what runs, waits for its teardown, and ends the tour.
 */
export function createTourController(store: Store<TourState, TourAction>, run: StepRunner) {
  let current: { index: number; stop: AbortController; done: Promise<void> } | undefined;
  const dispatch = (a: TourAction) => store.dispatch(a);

  async function stopCurrent(): Promise<void> {
    const c = current;
    if (!c) return;
    c.stop.abort();
    await c.done;
  }

  async function start(index: number): Promise<void> {
    await stopCurrent();
    const step = store.getState().steps[index];
    if (!step || store.getState().quitting) return;
    const stop = new AbortController();
    setMaxListeners(100, stop.signal);
    dispatch({ type: 'tour.run', index, state: 'running' });
    const done = run(step, (e) => dispatch(e), stop.signal).then(
      (result) => dispatch({ type: 'tour.run', index, state: 'done', result }),
      (err: unknown) =>
        dispatch({
          type: 'tour.run',
          index,
          state: stop.signal.aborted ? 'stopped' : 'failed',
          error: (err as Error).message.split('\n')[0] ?? 'failed',
        }),
    );
    current = {
      index,
      stop,
      done: done.finally(() => {
        if (current?.stop === stop) current = undefined;
      }),
    };
    await current.done;
  }

  /** Moves to a step, starting it unless it has a result already. */
  function go(index: number): void {
    const s = store.getState();
    if (index < 0 || index >= s.steps.length || s.quitting) return;
    dispatch({ type: 'tour.go', index });
    const state = s.runs[index]?.state;
    if (state === 'waiting' || state === 'stopped') void start(index);
  }

  function handle(key: 'next' | 'back' | 'again' | 'quit'): void {
    const s = store.getState();
    if (key === 'next') return go(s.index + 1);
    if (key === 'back') return go(s.index - 1);
    if (key === 'again') {
      if (current?.index !== s.index) void start(s.index);
      return;
    }
    if (s.quitting) return;
    dispatch({ type: 'tour.quitting' });
    void stopCurrent().then(() => dispatch({ type: 'tour.outcome', outcome: { value: 0 } }));
  }

  return { begin: () => go(0), handle };
}
