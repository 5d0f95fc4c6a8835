import { setMaxListeners } from 'node:events';
import { AbortedError } from '../../../sandbox/errors.js';
import type { Store } from '../store.js';
import type { DashboardAction } from './actions.js';
import type { Command } from './keys.js';
import { liveWork, type SessionParts } from './live-work.js';
import type { DashboardOps } from './operations.js';
import { scaling } from './scaling.js';
import { sideChecks } from './side-checks.js';
import type { DashboardState } from './state.js';

export interface ControllerOptions {
  /** `--down`: Ctrl-C tears the sandbox down instead of leaving it running. */
  downOnInterrupt: boolean;
  now?: () => number;
}

/**
 * Runs the dashboard's session: `up`, then the background work (supervisor, monitor, logs)
 * while keys ask for kills, scaling and quitting; ends by putting an outcome in the store, which
 * the lifecycle root turns into the app's exit. Errors of an action become a line on screen;
 * only a failed `up` or teardown ends the session with an error.
 */
export function createController(
  store: Store<DashboardState, DashboardAction>,
  ops: DashboardOps,
  options: ControllerOptions,
) {
  const now = options.now ?? Date.now;
  const starting = new AbortController();
  const background = new AbortController();
  // Every replica's health wait, log stream and the supervisor listen on these: more than Node's
  // default of 10 listeners is normal here, not a leak.
  setMaxListeners(100, starting.signal, background.signal);
  let followers: Promise<void>[] = [];
  const dispatch = (a: DashboardAction) => store.dispatch(a);
  const notice = (text: string, tone: 'warn' | 'bad' = 'warn') =>
    dispatch({ type: 'ui.notice', text, tone });
  const sandbox = () => store.getState().sandboxId ?? 'the sandbox';
  const finish = (exitCode: number, message: string) =>
    dispatch({ type: 'ui.outcome', outcome: { value: { exitCode, message } } });
  const fail = (error: unknown) =>
    dispatch({
      type: 'ui.outcome',
      outcome: { error: error instanceof Error ? error : new Error(String(error)) },
    });

  let closing = false;
  const stopping = () => closing || background.signal.aborted;
  const act = (what: Promise<void>): void => {
    what.catch((err: unknown) => notice((err as Error).message));
  };
  const parts = { store, ops, dispatch, notice, stopping, refreshTable };
  const live = liveWork(parts);
  const requestScale = scaling(parts, background.signal, act);
  const checks = sideChecks(parts);

  async function stopBackground(): Promise<void> {
    closing = true;
    // Chaos first: stopping it brings the task back to its count before the run. One still
    // starting is stopped as soon as it has started.
    await live.stop();
    await checks.stop();
    background.abort();
    // A follower that fails while stopping has nothing left to report.
    await Promise.allSettled(followers);
  }

  async function leave(exitCode: number): Promise<void> {
    await stopBackground();
    finish(exitCode, `Sandbox ${sandbox()} left running; \`rehearsal down\` removes it.`);
  }

  async function teardown(exitCode: number): Promise<void> {
    dispatch({ type: 'ui.phase', phase: 'stopping' });
    dispatch({ type: 'ui.busy', text: `tearing down ${sandbox()} (volumes kept)…` });
    try {
      await stopBackground();
      await ops.teardown();
      finish(
        exitCode,
        `Sandbox ${sandbox()} removed; its volumes are kept (\`rehearsal down --volumes\` removes them).`,
      );
    } catch (err) {
      fail(err);
    }
  }

  async function refreshTable(): Promise<void> {
    try {
      dispatch({ type: 'ui.snapshot', at: now(), ...(await ops.snapshot()) });
    } catch (err) {
      notice(`could not read the replicas' status: ${(err as Error).message}`);
    }
  }

  async function start(): Promise<void> {
    try {
      await ops.up(starting.signal);
    } catch (err) {
      fail(starting.signal.aborted ? new AbortedError() : err);
      return;
    }
    dispatch({ type: 'ui.phase', phase: 'running' });
    await refreshTable();
    followers = followInBackground(parts, background.signal);
  }

  function handle(c: Command): void {
    const s = store.getState();
    const view = viewAction(c);
    if (view) return dispatch(view);
    switch (c.kind) {
      case 'refuse':
        return notice(c.text);
      case 'kill':
        return act(ops.kill(c.container));
      case 'scale':
        return requestScale(c.service, c.delta);
      case 'traffic':
        return act(live.toggleTraffic());
      case 'chaos':
        return act(live.chaosKey());
      case 'checks':
        return checks.run();
      case 'leave':
        dispatch({ type: 'ui.prompt' });
        return act(leave(0));
      case 'teardown':
        dispatch({ type: 'ui.prompt' });
        return act(teardown(0));
      case 'interrupt':
        if (s.phase === 'starting') return starting.abort();
        if (s.phase === 'stopping') return fail(new AbortedError());
        return act(options.downOnInterrupt ? teardown(130) : leave(130));
    }
  }

  return { start, handle };
}

/** The keys that only change what is shown: no operation behind them. */
function viewAction(c: Command): DashboardAction | undefined {
  switch (c.kind) {
    case 'select':
      return { type: 'ui.select', delta: c.delta };
    case 'toggle':
      return { type: 'ui.toggle', panel: c.panel };
    case 'quit':
      return { type: 'ui.prompt', prompt: 'quit' };
    case 'cancel':
      return { type: 'ui.prompt' };
    default:
      return undefined;
  }
}

/** Starts the work that runs while the session lasts; a failure of it is a line on screen. */
function followInBackground(
  parts: Pick<SessionParts, 'ops' | 'dispatch' | 'notice'>,
  signal: AbortSignal,
): Promise<void>[] {
  const { ops, dispatch, notice } = parts;
  return ops
    .follow(
      (container, text) => dispatch({ type: 'ui.log', container, text }),
      signal,
      (message) => notice(message),
    )
    .map((p) =>
      p.catch((err: unknown) => {
        if (!signal.aborted) notice(`background work stopped: ${(err as Error).message}`, 'bad');
      }),
    );
}
