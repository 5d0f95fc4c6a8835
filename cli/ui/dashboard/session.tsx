import { writeFileSync } from 'node:fs';
import { render } from 'ink';
import type { LoadedDeclaration } from '../../../sandbox/declaration/types.js';
import type { Engine } from '../../../sandbox/engine/engine.js';
import { AbortedError, formatProblem } from '../../../sandbox/errors.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import type { Platform } from '../../../sandbox/platform/platform.js';
import type { PlanRequest } from '../../../sandbox/sandbox/resolve.js';
import type { UpOptions } from '../../../sandbox/sandbox/up.js';
import type { CommandContext } from '../../context.js';
import { EXIT } from '../../exit.js';
import { keepHeapSmall, type HeapKeeperStats } from '../heap.js';
import { LifecycleRoot } from '../lifecycle.js';
import { createStore } from '../store.js';
import type { DashboardAction } from './actions.js';
import { captureStderr } from './capture-stderr.js';
import { Dashboard } from './components/Dashboard.js';
import { createController } from './controller.js';
import { sandboxOps } from './operations.js';
import { dashboardReducer } from './reducer.js';
import { initialState, type DashboardResult, type DashboardState } from './state.js';

export interface DashboardRun {
  plan: Plan;
  engine: Engine;
  /** Deploys, scales, repairs and removes the sandbox (cli/context.ts chose it). */
  platform: Platform;
  upOptions: Pick<UpOptions, 'replicasExplicit' | 'healthTimeoutMs'>;
  /** How the declaration was read (`r` plans it again for the checks' own sandbox). */
  request: PlanRequest;
  downOnInterrupt: boolean;
  /** Lines to show first: the declaration's warnings. */
  warnings: string[];
}

/**
 * `rehearsal up` (and `demo`) with the dashboard instead of plain lines: finds the engine, runs
 * the dashboard, and after it is gone says what became of the sandbox. An interrupt exits 130,
 * like the plain path.
 */
export async function upWithDashboard(
  c: CommandContext,
  platform: Platform,
  plan: Plan,
  loaded: LoadedDeclaration,
  request: PlanRequest,
  options: DashboardRun['upOptions'] & { down: boolean },
): Promise<void> {
  const { down, ...upOptions } = options;
  const result = await runUpDashboard({
    plan,
    engine: await c.engine(),
    platform,
    upOptions,
    request,
    downOnInterrupt: down,
    warnings: loaded.warnings.map(formatProblem),
  });
  process.stderr.write(`${result.message}\n`);
  if (result.exitCode === EXIT.interrupted) throw new AbortedError();
}

/** Ink's own cap on frames; the store's throttle already keeps renders at or under this. */
const MAX_FPS = 10;

/**
 * `up` with the dashboard: renders it, runs the session, and resolves with the exit code and a
 * closing line once the user quits (or rejects with the error that ended it).
 */
export async function runUpDashboard(run: DashboardRun): Promise<DashboardResult> {
  const store = createStore<DashboardState, DashboardAction>(
    dashboardReducer,
    initialState(Date.now()),
  );
  // The thin bridge: the core's Emit is a dispatch with the time of arrival.
  const ops = sandboxOps({
    plan: run.plan,
    engine: run.engine,
    platform: run.platform,
    emit: (event) => store.dispatch({ ...event, at: Date.now() }),
    upOptions: run.upOptions,
    request: run.request,
  });
  const proxy = run.plan.proxy;
  store.dispatch({
    type: 'ui.plan',
    sandboxId: run.plan.sandboxId,
    product: run.plan.productName,
    endpoints: (proxy?.routes ?? []).map((r) => ({
      service: r.service,
      url: `https://${r.host}:${proxy?.port ?? 8443}`,
    })),
    services: run.plan.services.map((s) => ({
      name: s.name,
      role: s.role,
      ...(s.kind ? { kind: s.kind } : {}),
      desired: s.replicas,
      min: s.instancesMinimum,
      ...(s.instancesMaximum !== undefined ? { max: s.instancesMaximum } : {}),
      ...(s.memoryBytes !== undefined ? { memoryLimitBytes: s.memoryBytes } : {}),
    })),
  });
  for (const message of run.warnings) store.dispatch({ type: 'warning', message, at: Date.now() });

  const controller = createController(store, ops, { downOnInterrupt: run.downOnInterrupt });
  const heap = keepHeapSmall();
  const stats = renderStats(heap.stats);
  const app = render(
    <LifecycleRoot>
      <Dashboard store={store} onCommand={controller.handle} />
    </LifecycleRoot>,
    { maxFps: MAX_FPS, exitOnCtrlC: false, ...(stats ? { onRender: stats.count } : {}) },
  );
  const restoreStderr = captureStderr((text) =>
    store.dispatch({ type: 'ui.notice', text, tone: 'warn' }),
  );
  const tick = setInterval(() => store.dispatch({ type: 'ui.tick', now: Date.now() }), 1000);
  const onSignal = () => controller.handle({ kind: 'interrupt' });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void controller.start();
  try {
    return (await app.waitUntilExit()) as DashboardResult;
  } finally {
    restoreStderr();
    clearInterval(tick);
    heap.stop();
    stats?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * With `REHEARSAL_RENDER_STATS=<file>`, counts Ink's renders and writes the count there every
 * second, with the memory and the heap keeper's collections: what scripts/bench-tui.mjs reads.
 */
function renderStats(heap: HeapKeeperStats): { count: () => void; stop: () => void } | undefined {
  const file = process.env.REHEARSAL_RENDER_STATS;
  if (!file) return undefined;
  let renders = 0;
  const write = () =>
    writeFileSync(
      file,
      JSON.stringify({ renders, at: Date.now(), memory: process.memoryUsage(), heap }),
    );
  const timer = setInterval(write, 1000);
  return {
    count: () => void renders++,
    stop: () => {
      clearInterval(timer);
      write();
    },
  };
}
