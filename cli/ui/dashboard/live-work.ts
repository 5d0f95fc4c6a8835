import type { LiveChaos } from '../../../sandbox/live/chaos.js';
import type { LiveTraffic } from '../../../sandbox/live/traffic.js';
import type { Store } from '../store.js';
import type { DashboardAction } from './actions.js';
import type { DashboardOps } from './operations.js';
import type { DashboardState } from './state.js';

/** What the controller lends the parts of a session: the store, the operations, its state. */
export interface SessionParts {
  store: Store<DashboardState, DashboardAction>;
  ops: DashboardOps;
  dispatch: (a: DashboardAction) => void;
  notice: (text: string, tone?: 'warn' | 'bad') => void;
  /** True once the session is closing: nothing new may start. */
  stopping: () => boolean;
  /** Reads the replicas from the engine again (after a chaos run, say). */
  refreshTable: () => Promise<void>;
}

/**
 * The keys `t` and `c`: our own traffic, and a chaos run that drives its own traffic (ours pauses
 * meanwhile and comes back after, if still wanted). One chaos run at a time; a quit while one is
 * starting waits for it to start and stops it at once, so the replica count is restored.
 *
 * Longer than 120 lines on purpose: it is a set of small named closures (each phase of a key is
 * its own function) over the one state the two keys share (who drives traffic, whether a run is
 * starting); split across factories, that state would have to be passed back and forth.
 */
export function liveWork(parts: SessionParts) {
  const { store, ops, dispatch, notice, stopping } = parts;
  let traffic: LiveTraffic | undefined;
  let chaos: LiveChaos | undefined;
  /** Set from `c` until the run has started: our traffic must not start meanwhile. */
  let chaosStarting = false;
  /** The `c` that started the current run, until the run has ended and been tidied up. */
  let chaosTask: Promise<void> | undefined;
  /** Whether the user wants our own traffic: it pauses while a chaos run drives its own. */
  let trafficWanted = false;

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

  /** Phase one of `c`: our traffic stops and the run starts; undefined when it must not go on. */
  async function startChaos(): Promise<LiveChaos | undefined> {
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
    if (!stopping()) return run;
    // Quit while it was starting: stopped at once, the count restored.
    await run.stop();
    return undefined;
  }

  /** Phase two of `c`: the run is shown while it lasts, then its end and our traffic again. */
  async function followChaos(run: LiveChaos): Promise<void> {
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
    await parts.refreshTable();
    notice(`chaos seed ${run.seed} ${ended}; journal ${run.journal}`);
    dispatch({ type: 'ui.traffic', source: 'off' });
    if (trafficWanted && !stopping()) await startOwnTraffic();
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
    const run = await startChaos();
    if (run) await followChaos(run);
  }

  return {
    toggleTraffic,
    /** `c`, with a start tracked so that `stop()` waits for it. */
    chaosKey(): Promise<void> {
      const task = toggleChaos();
      // A start (startChaos set chaosStarting before its first await) is awaited on quit.
      if (chaosStarting) {
        const tracked: Promise<void> = task
          .catch(() => undefined)
          .finally(() => {
            if (chaosTask === tracked) chaosTask = undefined;
          });
        chaosTask = tracked;
      }
      return task;
    },
    /** Chaos first: stopping it brings the task back to its count before the run. */
    async stop(): Promise<void> {
      await chaos?.stop();
      await chaosTask;
      await traffic?.stop();
    },
  };
}
