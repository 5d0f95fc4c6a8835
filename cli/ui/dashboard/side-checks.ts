import type { SessionParts } from './live-work.js';

/** The key `r`: the checks on their own fresh sandbox, one run at a time; `stop()` ends a run. */
export function sideChecks(parts: Pick<SessionParts, 'ops' | 'dispatch' | 'notice'>) {
  const { ops, dispatch, notice } = parts;
  let checks: { stop: AbortController; done: Promise<void> } | undefined;
  return {
    run(): void {
      if (checks)
        return notice('the checks are running already: their step is shown above the keys');
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
            summary: stop.signal.aborted
              ? 'stopped'
              : `could not finish: ${(err as Error).message}`,
          });
          if (!stop.signal.aborted) notice(`checks: ${(err as Error).message}`, 'bad');
        })
        .finally(() => {
          checks = undefined;
        });
      checks = { stop, done };
    },
    async stop(): Promise<void> {
      checks?.stop.abort();
      await checks?.done;
    },
  };
}
