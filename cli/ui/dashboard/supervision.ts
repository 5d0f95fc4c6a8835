import { setMaxListeners } from 'node:events';

/**
 * A supervisor that can step aside: a chaos run supervises the sandbox itself, and two
 * supervisors would both start a replacement for one dead replica. `run` is the supervisor's
 * work, started again whenever it is resumed; `suspend()` stops it, waits until its pass has
 * ended, and returns the function that resumes it.
 */
export function suspendable(run: (signal: AbortSignal) => Promise<void>) {
  let suspended = 0;
  let current: { stop: AbortController; done: Promise<void> } | undefined;
  let wake: (() => void) | undefined;

  /** For keepRunning: waits while suspended, then supervises until suspended or aborted. */
  async function work(signal: AbortSignal): Promise<void> {
    while (suspended > 0 && !signal.aborted)
      await new Promise<void>((resolve) => {
        wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    if (signal.aborted) return;
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    setMaxListeners(100, both);
    const done = run(both).catch((err: unknown) => {
      // Stopped on purpose: whatever the stop interrupted is not a failure.
      if (!stop.signal.aborted) throw err;
    });
    current = { stop, done };
    try {
      await done;
    } finally {
      if (current?.done === done) current = undefined;
    }
  }

  async function suspend(): Promise<() => void> {
    suspended++;
    const running = current;
    running?.stop.abort();
    await running?.done.catch(() => undefined);
    let resumed = false;
    return () => {
      if (resumed) return;
      resumed = true;
      suspended--;
      if (suspended === 0) wake?.();
    };
  }

  return { work, suspend };
}
