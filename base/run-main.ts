import { jsonLogger, type Logger } from './log.js';

/** What a program's start returns: how to stop it, and what to say when it stops. */
export interface Running {
  /** Stops serving; the program exits 0 once it settles. */
  close(): Promise<unknown>;
  /**
   * How long `close()` may take before the program exits anyway; none when `close()` bounds
   * itself (the proxy drains for at most its configured `shutdownMs`).
   */
  graceMs?: number;
  /** Fields for the `stopping` line, read when the signal comes. */
  stopFields?: () => Record<string, string | number>;
}

export interface MainOptions {
  /** The program's name in its crash and start-failure lines ("proxy", "identity provider"). */
  name: string;
  /**
   * When true, a SIGTERM during start-up aborts the signal `start` receives (a database wait)
   * and the program stops as soon as it has started; otherwise the default action applies.
   */
  stopDuringStart?: boolean;
  /** The line for a start failure when the error says more than "failed to start". */
  describeFailure?: (error: Error) => string | undefined;
}

/**
 * The frame of each runtime-image program (proxy, identity provider, collector), so that each
 * meets the rules Rehearsal checks: a crash is one JSON line on stdout and exit 1 for the
 * container to report, a start failure likewise, and SIGTERM or SIGINT closes the program and
 * exits 0 within its grace. `start` gets the logger and a signal that aborts on an early SIGTERM.
 */
export async function runMain(
  options: MainOptions,
  start: (log: Logger, starting: AbortSignal) => Promise<Running>,
): Promise<void> {
  const log = jsonLogger();
  process.on('uncaughtException', (error) => {
    log.error(`${options.name} crashed`, { error: error.stack ?? String(error) });
    process.exit(1);
  });
  const starting = new AbortController();
  const early = () => starting.abort();
  if (options.stopDuringStart) process.once('SIGTERM', early);
  try {
    const running = await start(log, starting.signal);
    process.off('SIGTERM', early);
    const stop = (signal: string): void => {
      log.info('stopping', { signal, ...running.stopFields?.() });
      void running.close().finally(() => process.exit(0));
      if (running.graceMs !== undefined) setTimeout(() => process.exit(0), running.graceMs).unref();
    };
    if (starting.signal.aborted) return stop('SIGTERM');
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    const message = options.describeFailure?.(error as Error) ?? `${options.name} failed to start`;
    log.error(message, { error: (error as Error).message });
    process.exit(1);
  }
}
