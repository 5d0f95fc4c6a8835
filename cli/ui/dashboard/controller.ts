import { setMaxListeners } from 'node:events';
import { AbortedError } from '../../../sandbox/errors.js';
import type { LiveChaos } from '../../../sandbox/live/chaos.js';
import type { LiveTraffic } from '../../../sandbox/live/traffic.js';
import type { Store } from '../store.js';
import type { DashboardAction } from './actions.js';
import type { Command } from './keys.js';
import type { DashboardOps } from './operations.js';
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
  /** The count a running scale goes to, and the one asked for meanwhile (keys pressed during it). */
  const scaling = new Map<string, { to: number; next?: number }>();
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

  /** What the keys `t`, `c` and `r` started, while it runs. */
  let traffic: LiveTraffic | undefined;
  let chaos: LiveChaos | undefined;
  /** Set from `c` until the run has started: our traffic must not start meanwhile. */
  let chaosStarting = false;
  /** The `c` that started the current run, until the run has ended and been tidied up. */
  let chaosTask: Promise<void> | undefined;
  /** Whether the user wants our own traffic: it pauses while a chaos run drives its own. */
  let trafficWanted = false;
  let checks: { stop: AbortController; done: Promise<void> } | undefined;
  let closing = false;
  const stopping = () => closing || background.signal.aborted;

  async function stopBackground(): Promise<void> {
    closing = true;
    // Chaos first: stopping it brings the task back to its count before the run. One still
    // starting is stopped by toggleChaos as soon as it has started.
    await chaos?.stop();
    await chaosTask;
    await traffic?.stop();
    checks?.stop.abort();
    await checks?.done;
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
    followers = ops
      .follow(
        (container, text) => dispatch({ type: 'ui.log', container, text }),
        background.signal,
        (message) => notice(message),
      )
      .map((p) =>
        p.catch((err: unknown) => {
          if (!background.signal.aborted)
            notice(`background work stopped: ${(err as Error).message}`, 'bad');
        }),
      );
  }

  function act(what: Promise<void>): void {
    what.catch((err: unknown) => notice((err as Error).message));
  }

  /**
   * `+`/`-`: a press during a running scale is not lost; it moves the target, which is applied
   * when the running scale ends (one scale at a time per task, as `rehearsal scale` does).
   */
  function requestScale(name: string, delta: number): void {
    const service = store.getState().services.find((x) => x.name === name);
    if (!service) return;
    const running = scaling.get(name);
    if (running) {
      running.next = (running.next ?? running.to) + delta;
      dispatch({
        type: 'ui.busy',
        text: `scaling ${name} to ${running.to}, then to ${running.next}…`,
      });
      return;
    }
    runScale(name, service.desired + delta);
  }

  function runScale(name: string, count: number): void {
    const job: { to: number; next?: number } = { to: count };
    scaling.set(name, job);
    dispatch({ type: 'ui.busy', text: `scaling ${name} to ${count}…` });
    act(
      ops.scale(name, count, background.signal).finally(() => {
        scaling.delete(name);
        dispatch({ type: 'ui.busy' });
        if (job.next !== undefined && job.next !== job.to && !background.signal.aborted)
          runScale(name, job.next);
      }),
    );
  }

  async function startOwnTraffic(): Promise<void> {
    const started = await ops.startTraffic();
    if (!trafficWanted || chaos || chaosStarting || stopping()) {
      await started.stop();
      return;
    }
    traffic = started;
    dispatch({ type: 'ui.traffic', source: 'own', service: started.service });
  }

  async function stopOwnTraffic(): Promise<void> {
    const t = traffic;
    traffic = undefined;
    await t?.stop();
  }

  /** `t`: our own traffic on or off; while chaos runs, it only changes what happens after. */
  async function toggleTraffic(): Promise<void> {
    trafficWanted = !trafficWanted;
    if (chaos || chaosStarting) {
      notice(
        trafficWanted
          ? 'traffic: the chaos run sends its own; yours starts when it ends'
          : 'traffic: stays off when the chaos run ends',
      );
      return;
    }
    if (trafficWanted) return startOwnTraffic();
    dispatch({ type: 'ui.traffic', source: 'off' });
    await stopOwnTraffic();
  }

  /** `c`: a chaos run starts (pausing our traffic and supervisor), or the running one stops. */
  async function toggleChaos(): Promise<void> {
    const state = store.getState().chaos.state;
    if (state === 'starting' || state === 'stopping') return;
    if (chaos) {
      dispatch({ type: 'ui.chaos', state: 'stopping' });
      await chaos.stop();
      return;
    }
    dispatch({ type: 'ui.chaos', state: 'starting' });
    chaosStarting = true;
    let run: LiveChaos;
    try {
      await stopOwnTraffic();
      run = await ops.startChaos();
    } catch (err) {
      chaosStarting = false;
      dispatch({ type: 'ui.chaos', state: 'off', ended: 'could not start' });
      if (trafficWanted && !stopping()) await startOwnTraffic();
      throw err;
    }
    chaosStarting = false;
    if (stopping()) {
      // Quit while it was starting: stopped at once, the count restored.
      await run.stop();
      return;
    }
    chaos = run;
    dispatch({
      type: 'ui.chaos',
      state: 'on',
      seed: run.seed,
      journal: run.journal,
      bounds: run.bounds,
      schedule: run.schedule,
    });
    dispatch({ type: 'ui.traffic', source: 'chaos', service: run.service });
    let ended: string;
    try {
      const report = await run.done;
      ended = report
        ? `finished: ${report.verdicts.filter((v) => v.outcome === 'fail').length} of ${report.verdicts.length} verdict(s) failed`
        : 'stopped; replica count restored';
    } catch (err) {
      ended = `failed: ${(err as Error).message}`;
      notice(`chaos: ${(err as Error).message}`, 'bad');
    }
    chaos = undefined;
    dispatch({ type: 'ui.chaos', state: 'off', ended });
    // A run's scale-downs race its supervisor: a replica removed while it was judged dead would
    // stay in the table. The engine's own list after the run is the truth.
    await refreshTable();
    notice(`chaos seed ${run.seed} ${ended}; journal ${run.journal}`);
    dispatch({ type: 'ui.traffic', source: 'off' });
    if (trafficWanted && !stopping()) await startOwnTraffic();
  }

  /** `r`: the checks on their own fresh sandbox; one run at a time. */
  function runChecks(): void {
    if (checks) return notice('the checks are running already: their step is shown above the keys');
    const stop = new AbortController();
    dispatch({ type: 'ui.checks', state: 'running' });
    const done = ops
      .runChecks(stop.signal)
      .then((r) => {
        dispatch({ type: 'ui.checks', state: 'done', summary: r.summary });
        notice(`checks: ${r.summary}`, r.mustFailed > 0 ? 'bad' : 'warn');
      })
      .catch((err: unknown) => {
        dispatch({
          type: 'ui.checks',
          state: 'done',
          summary: stop.signal.aborted ? 'stopped' : `could not finish: ${(err as Error).message}`,
        });
        if (!stop.signal.aborted) notice(`checks: ${(err as Error).message}`, 'bad');
      })
      .finally(() => {
        checks = undefined;
      });
    checks = { stop, done };
  }

  function handle(c: Command): void {
    const s = store.getState();
    switch (c.kind) {
      case 'select':
        return dispatch({ type: 'ui.select', delta: c.delta });
      case 'toggle':
        return dispatch({ type: 'ui.toggle', panel: c.panel });
      case 'quit':
        return dispatch({ type: 'ui.prompt', prompt: 'quit' });
      case 'cancel':
        return dispatch({ type: 'ui.prompt' });
      case 'refuse':
        return notice(c.text);
      case 'kill':
        return act(ops.kill(c.container));
      case 'scale':
        return requestScale(c.service, c.delta);
      case 'traffic':
        return act(toggleTraffic());
      case 'chaos': {
        const task = toggleChaos();
        // A start (toggleChaos set chaosStarting before its first await) is awaited on quit.
        if (chaosStarting) {
          const tracked: Promise<void> = task
            .catch(() => undefined)
            .finally(() => {
              if (chaosTask === tracked) chaosTask = undefined;
            });
          chaosTask = tracked;
        }
        return act(task);
      }
      case 'checks':
        return runChecks();
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
