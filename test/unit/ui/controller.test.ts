import { describe, expect, it, vi } from 'vitest';
import type { DashboardAction } from '../../../cli/ui/dashboard/actions.js';
import { createController } from '../../../cli/ui/dashboard/controller.js';
import type { DashboardOps } from '../../../cli/ui/dashboard/operations.js';
import { dashboardReducer } from '../../../cli/ui/dashboard/reducer.js';
import { initialState, type DashboardState } from '../../../cli/ui/dashboard/state.js';
import { createStore } from '../../../cli/ui/store.js';
import type { ChaosReport } from '../../../sandbox/chaos/run.js';
import { AbortedError, UserError } from '../../../sandbox/errors.js';
import { PLAN, T0, settle } from './helpers.js';

/** A chaos run that ends when stopped (no report) or when `finish` is called (a report). */
function fakeChaos() {
  let end: (r: ChaosReport | undefined) => void = () => undefined;
  const done = new Promise<ChaosReport | undefined>((r) => (end = r));
  const stop = vi.fn(async () => {
    end(undefined);
    await done;
  });
  return {
    seed: 42,
    service: 'patient-api',
    journal: '/tmp/chaos-42.jsonl',
    bounds: { min: 2, max: 6, initial: 3 },
    schedule: [
      { seq: 1, atMs: 1200, description: 'SIGKILL replica [1]' },
      { seq: 2, atMs: 4000, description: 'scale to 4' },
    ],
    done,
    stop,
    finish: (r: ChaosReport) => end(r),
  };
}

function setup(overrides: Partial<DashboardOps> = {}, downOnInterrupt = false) {
  const store = createStore<DashboardState, DashboardAction>(dashboardReducer, initialState(T0));
  store.dispatch(PLAN);
  const followSignals: AbortSignal[] = [];
  const ops: DashboardOps = {
    up: vi.fn(async () => undefined),
    snapshot: vi.fn(async () => ({
      replicas: [
        {
          container: 'demo-patient-api-1',
          service: 'patient-api',
          replica: 1,
          running: true,
          health: 'healthy' as const,
          uptimeSeconds: 3,
          memoryLimitBytes: 1,
        },
      ],
      desired: { 'patient-api': 2 },
    })),
    follow: vi.fn((log: (c: string, t: string) => void, signal: AbortSignal) => {
      followSignals.push(signal);
      log('demo-patient-api-1', 'listening');
      return [new Promise<void>((r) => signal.addEventListener('abort', () => r()))];
    }),
    kill: vi.fn(async () => undefined),
    scale: vi.fn(async () => undefined),
    teardown: vi.fn(async () => undefined),
    startTraffic: vi.fn(async () => ({
      service: 'patient-api',
      stop: vi.fn(async () => undefined),
    })),
    startChaos: vi.fn(async () => fakeChaos()),
    runChecks: vi.fn(async () => ({ summary: '20 pass, 0 fail (0 MUST)', mustFailed: 0 })),
    ...overrides,
  };
  const c = createController(store, ops, { downOnInterrupt, now: () => T0 });
  return { store, ops, c, followSignals };
}

describe('dashboard controller', () => {
  it('brings the sandbox up, seeds the table, then follows logs and the supervisor', async () => {
    const { store, c, followSignals } = setup();
    await c.start();
    const s = store.getState();
    expect(s.phase).toBe('running');
    expect(s.replicas.map((r) => r.container)).toEqual(['demo-patient-api-1']);
    // `up` kept the two replicas that ran: the count to scale from is 2, not the plan's 3.
    expect(s.services.find((x) => x.name === 'patient-api')?.desired).toBe(2);
    expect(s.logs['demo-patient-api-1']?.lines).toEqual(['listening']);
    expect(followSignals[0]?.aborted).toBe(false);
  });

  it('ends with the error of a failed up', async () => {
    const { store, c } = setup({ up: async () => Promise.reject(new UserError('no engine')) });
    await c.start();
    expect(store.getState().outcome).toEqual({
      error: expect.objectContaining({ message: 'no engine' }),
    });
  });

  it('turns an interrupt during up into AbortedError', async () => {
    let signal: AbortSignal | undefined;
    const { store, c } = setup({
      up: (s) => {
        signal = s;
        return new Promise((_, reject) =>
          s.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    });
    const started = c.start();
    c.handle({ kind: 'interrupt' });
    await started;
    expect(signal?.aborted).toBe(true);
    expect(store.getState().outcome).toEqual({ error: expect.any(AbortedError) });
  });

  it('kills and scales through the operations; a refusal becomes a line, not a crash', async () => {
    const { store, ops, c } = setup({
      scale: vi.fn(async () =>
        Promise.reject(
          new UserError('cannot scale "patient-api" to 7: the declaration allows 2..6 instances'),
        ),
      ),
    });
    await c.start();
    c.handle({ kind: 'kill' });
    c.handle({ kind: 'kill', container: 'demo-patient-api-1' });
    expect(ops.kill).toHaveBeenNthCalledWith(1, undefined);
    expect(ops.kill).toHaveBeenNthCalledWith(2, 'demo-patient-api-1');
    c.handle({ kind: 'scale', service: 'patient-api', delta: 1 });
    expect(store.getState().ui.busy).toBe('scaling patient-api to 3…');
    c.handle({ kind: 'scale', service: 'patient-api', delta: 1 });
    expect(store.getState().ui.busy).toBe('scaling patient-api to 3, then to 4…');
    await settle();
    // The press during the first scale is applied after it, not dropped.
    expect(ops.scale).toHaveBeenCalledTimes(2);
    expect(ops.scale).toHaveBeenNthCalledWith(1, 'patient-api', 3, expect.any(AbortSignal));
    expect(ops.scale).toHaveBeenNthCalledWith(2, 'patient-api', 4, expect.any(AbortSignal));
    const texts = store.getState().finished.items.map((i) => i.text);
    expect(texts).toContain(
      'cannot scale "patient-api" to 7: the declaration allows 2..6 instances',
    );
    expect(store.getState().ui.busy).toBeUndefined();
  });

  it('q then d stops the background work before tearing down, and exits 0', async () => {
    const order: string[] = [];
    const { store, c, followSignals } = setup({
      teardown: async () => {
        order.push(`teardown (follow aborted: ${followSignals[0]?.aborted})`);
      },
    });
    await c.start();
    c.handle({ kind: 'quit' });
    expect(store.getState().ui.prompt).toBe('quit');
    c.handle({ kind: 'teardown' });
    await settle();
    expect(order).toEqual(['teardown (follow aborted: true)']);
    expect(store.getState().outcome).toEqual({
      value: {
        exitCode: 0,
        message: expect.stringMatching(/^Sandbox demo removed; its volumes are kept/),
      },
    });
  });

  it('q then r leaves it running; Ctrl-C leaves it running with 130, or tears down with --down', async () => {
    const a = setup();
    await a.c.start();
    a.c.handle({ kind: 'leave' });
    await settle();
    expect(a.store.getState().outcome).toEqual({
      value: { exitCode: 0, message: expect.stringMatching(/left running/) },
    });
    expect(a.ops.teardown).not.toHaveBeenCalled();

    const b = setup();
    await b.c.start();
    b.c.handle({ kind: 'interrupt' });
    await settle();
    expect(b.store.getState().outcome).toMatchObject({ value: { exitCode: 130 } });

    const d = setup({}, true);
    await d.c.start();
    d.c.handle({ kind: 'interrupt' });
    await settle();
    expect(d.ops.teardown).toHaveBeenCalled();
    expect(d.store.getState().outcome).toMatchObject({ value: { exitCode: 130 } });
  });

  it('t starts and stops traffic; c pauses it for a chaos run and resumes it when the run is stopped', async () => {
    const chaos = fakeChaos();
    const { store, c, ops } = setup({ startChaos: vi.fn(async () => chaos) });
    await c.start();
    c.handle({ kind: 'traffic' });
    await settle();
    expect(store.getState().traffic.source).toBe('own');
    const own = await (ops.startTraffic as ReturnType<typeof vi.fn>).mock.results[0]?.value;
    c.handle({ kind: 'chaos' });
    await settle();
    expect(own.stop).toHaveBeenCalled();
    expect(store.getState().chaos).toMatchObject({ state: 'on', seed: 42, total: 2 });
    expect(store.getState().chaos.upcoming[0]?.description).toBe('SIGKILL replica [1]');
    expect(store.getState().traffic.source).toBe('chaos');
    c.handle({ kind: 'chaos' });
    await settle();
    expect(chaos.stop).toHaveBeenCalled();
    expect(store.getState().chaos).toMatchObject({ state: 'off' });
    expect(store.getState().chaos.ended).toBe('stopped; replica count restored');
    expect(store.getState().traffic.source).toBe('own');
    expect(ops.startTraffic).toHaveBeenCalledTimes(2);
    c.handle({ kind: 'traffic' });
    await settle();
    expect(store.getState().traffic.source).toBe('off');
  });

  it('a chaos run that ends by itself says how many verdicts failed', async () => {
    const chaos = fakeChaos();
    const { store, c } = setup({ startChaos: vi.fn(async () => chaos) });
    await c.start();
    c.handle({ kind: 'chaos' });
    await settle();
    chaos.finish({
      verdicts: [{ requirement: 'stateless', outcome: 'fail', summary: 'x', evidence: [] }],
    } as unknown as ChaosReport);
    await settle();
    expect(store.getState().chaos.ended).toBe('finished: 1 of 1 verdict(s) failed');
    expect(store.getState().traffic.source).toBe('off');
  });

  it('r runs the checks once at a time and puts their summary in the checklist', async () => {
    let finish: () => void = () => undefined;
    const runChecks = vi.fn(
      () =>
        new Promise<{ summary: string; mustFailed: number }>((r) => {
          finish = () => r({ summary: '19 pass, 1 fail (1 MUST)', mustFailed: 1 });
        }),
    );
    const { store, c } = setup({ runChecks });
    await c.start();
    c.handle({ kind: 'checks' });
    c.handle({ kind: 'checks' });
    await settle();
    expect(runChecks).toHaveBeenCalledTimes(1);
    expect(store.getState().checklist.state).toBe('running');
    finish();
    await settle();
    expect(store.getState().checklist).toMatchObject({
      state: 'done',
      summary: '19 pass, 1 fail (1 MUST)',
    });
  });

  it('quitting stops chaos first (restoring the count), then traffic and the checks', async () => {
    const chaos = fakeChaos();
    let checkSignal: AbortSignal | undefined;
    const { store, c } = setup({
      startChaos: vi.fn(async () => chaos),
      runChecks: vi.fn(
        (signal: AbortSignal) =>
          new Promise<{ summary: string; mustFailed: number }>((_r, reject) => {
            checkSignal = signal;
            signal.addEventListener('abort', () => reject(new AbortedError()));
          }),
      ),
    });
    await c.start();
    c.handle({ kind: 'chaos' });
    c.handle({ kind: 'checks' });
    await settle();
    c.handle({ kind: 'leave' });
    await settle();
    expect(chaos.stop).toHaveBeenCalled();
    expect(checkSignal?.aborted).toBe(true);
    expect(store.getState().outcome).toMatchObject({ value: { exitCode: 0 } });
  });

  it('quitting while a chaos run is still starting stops it once it has started', async () => {
    const chaos = fakeChaos();
    let started: () => void = () => undefined;
    const { store, c } = setup({
      startChaos: vi.fn(
        () => new Promise<ReturnType<typeof fakeChaos>>((r) => (started = () => r(chaos))),
      ),
    });
    await c.start();
    c.handle({ kind: 'chaos' });
    await settle();
    expect(store.getState().chaos.state).toBe('starting');
    c.handle({ kind: 'leave' });
    await settle();
    expect(store.getState().outcome).toBeUndefined();
    started();
    await settle();
    expect(chaos.stop).toHaveBeenCalled();
    expect(store.getState().outcome).toMatchObject({ value: { exitCode: 0 } });
  });
});
