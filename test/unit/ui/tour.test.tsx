import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TourView } from '../../../cli/ui/tour/components/TourView.js';
import { createTourController, type StepRunner } from '../../../cli/ui/tour/controller.js';
import {
  initialTour,
  tourReducer,
  type TourAction,
  type TourState,
} from '../../../cli/ui/tour/state.js';
import { createStore } from '../../../cli/ui/store.js';
import { TOUR } from '../../../sandbox/live/tour.js';
import { REQUIREMENTS } from '../../../sandbox/checks/catalogue.js';
import { frame, settle } from './helpers.js';

afterEach(() => cleanup());

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));
const reduce = (actions: TourAction[], from = initialTour(TOUR)) =>
  actions.reduce(tourReducer, from);

describe('the tour catalogue', () => {
  it('starts with the reference service, then one switch per step, each on a requirement of the catalogue', () => {
    expect(TOUR[0]).toMatchObject({ key: 'reference', env: {} });
    const ids = new Set(REQUIREMENTS.map((r) => r.id));
    for (const step of TOUR.slice(1)) {
      expect(Object.keys(step.env)).toHaveLength(1);
      expect(Object.keys(step.env)[0]).toMatch(/^NAUGHTY_[A-Z_]+$/);
      expect(ids.has(step.requirement ?? '')).toBe(true);
      if (step.by === 'chaos') expect(step.verdict).toBeDefined();
    }
  });
});

describe('TourView', () => {
  it.each([80, 200])(
    'fits %i columns: a variant, its requirement explained, the live check',
    (width) => {
      const s = reduce([
        { type: 'tour.go', index: 2 },
        { type: 'tour.run', index: 2, state: 'running' },
        {
          type: 'check.step',
          text: 'sending traffic through the TLS edge, with a planted patient name',
        },
      ]);
      const { lastFrame } = render(<TourView state={s} width={width} />);
      const text = frame(lastFrame());
      expect(text).toMatchSnapshot();
      expect(widest(text)).toBeLessThanOrEqual(width);
      expect(text).toMatch(/NAUGHTY_LOG_PHI=1/);
      expect(text).toMatch(/Requirement: No PHI\/PII in logs \(MUST\)/);
      expect(text).toMatch(/Why it matters:/);
      expect(text).toMatch(/How to fix:/);
    },
  );

  it('shows the verdict that catches a chaos variant', () => {
    const i = TOUR.findIndex((t) => t.key === 'memory-sessions');
    const s = reduce([
      { type: 'tour.go', index: i },
      { type: 'tour.run', index: i, state: 'running' },
      {
        type: 'tour.run',
        index: i,
        state: 'done',
        result: { verdict: 'fail', why: '31 of 64 session checks were refused by another replica' },
      },
    ]);
    const text = frame(render(<TourView state={s} width={80} />).lastFrame());
    expect(text).toMatchSnapshot();
    expect(text).toMatch(/Verdict by chaos \(stateless verdict\): FAIL — 31 of 64/);
    expect(text).toMatch(/Caught: this is the failure a reviewer would see\./);
  });
});

describe('tour controller', () => {
  function setup(runner: StepRunner) {
    const store = createStore<TourState, TourAction>(tourReducer, initialTour(TOUR), {
      intervalMs: 0,
    });
    return { store, c: createTourController(store, runner) };
  }

  it('runs a step when it is reached, stops it when it is left, and keeps a result when coming back', async () => {
    const signals: AbortSignal[] = [];
    const runner = vi.fn<StepRunner>(async (step, emit, signal) => {
      signals.push(signal);
      emit({ type: 'check.step', text: `checking ${step.key}` });
      if (step.key === 'reference') return { verdict: 'pass', why: '20 pass' };
      await new Promise((_r, reject) =>
        signal.addEventListener('abort', () => reject(new Error('stopped'))),
      );
      throw new Error('unreachable');
    });
    const { store, c } = setup(runner);
    c.begin();
    await settle();
    expect(store.getState().runs[0]).toMatchObject({ state: 'done', result: { verdict: 'pass' } });
    c.handle('next');
    await settle();
    expect(store.getState().runs[1]).toMatchObject({
      state: 'running',
      progress: 'checking log-file',
    });
    c.handle('back');
    await settle();
    expect(store.getState().index).toBe(0);
    // Going back does not stop the running step; going on to another one does.
    c.handle('next');
    c.handle('next');
    await settle();
    expect(signals[1]?.aborted).toBe(true);
    expect(store.getState().runs[1]?.state).toBe('stopped');
    expect(store.getState().runs[2]?.state).toBe('running');
    c.handle('quit');
    await settle();
    expect(signals[2]?.aborted).toBe(true);
    expect(store.getState().outcome).toEqual({ value: 0 });
    expect(runner).toHaveBeenCalledTimes(3);
  });
});
