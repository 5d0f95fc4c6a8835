import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `work` until the signal aborts, starting it again a second after it ends or fails: a
 * stream the engine closes (an events or log connection dropped) must not leave the dashboard
 * without a supervisor or a log pane for the rest of the session. Each failure is reported.
 *
 * Every run gets its own signal, aborted when the run ends: whatever a failed run left listening
 * (a stream, an abort listener) is let go with it instead of piling up on the session's signal.
 */
export async function keepRunning(
  work: (attempt: number, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  onFailure: (err: Error) => void,
  restartMs = 1000,
): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    const run = new AbortController();
    // A log stream per replica listens on it: more than Node's default of 10 is expected here.
    setMaxListeners(100, run.signal);
    const stop = () => run.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await work(attempt, run.signal);
    } catch (err) {
      if (signal.aborted) return;
      onFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      signal.removeEventListener('abort', stop);
      run.abort();
    }
    try {
      await sleep(restartMs, undefined, { signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      throw err;
    }
  }
}
