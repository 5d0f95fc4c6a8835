import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `work` until the signal aborts, starting it again a second after it ends or fails: a
 * stream the engine closes (an events or log connection dropped) must not leave the dashboard
 * without a supervisor or a log pane for the rest of the session. Each failure is reported.
 */
export async function keepRunning(
  work: (attempt: number) => Promise<void>,
  signal: AbortSignal,
  onFailure: (err: Error) => void,
  restartMs = 1000,
): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      await work(attempt);
    } catch (err) {
      if (signal.aborted) return;
      onFailure(err instanceof Error ? err : new Error(String(err)));
    }
    try {
      await sleep(restartMs, undefined, { signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      throw err;
    }
  }
}
