import type { SessionParts } from './live-work.js';

/**
 * The keys `+` and `-`: one scale at a time per task, as `rehearsal scale` does. A press during
 * a running scale is not lost; it moves the target, which is applied when the running one ends.
 */
export function scaling(
  parts: Pick<SessionParts, 'store' | 'ops' | 'dispatch'>,
  background: AbortSignal,
  act: (what: Promise<void>) => void,
) {
  const { store, ops, dispatch } = parts;
  /** The count a running scale goes to, and the one asked for meanwhile (keys pressed during it). */
  const running = new Map<string, { to: number; next?: number }>();

  function runScale(name: string, count: number): void {
    const job: { to: number; next?: number } = { to: count };
    running.set(name, job);
    dispatch({ type: 'ui.busy', text: `scaling ${name} to ${count}…` });
    act(
      ops.scale(name, count, background).finally(() => {
        running.delete(name);
        dispatch({ type: 'ui.busy' });
        if (job.next !== undefined && job.next !== job.to && !background.aborted)
          runScale(name, job.next);
      }),
    );
  }

  return function requestScale(name: string, delta: number): void {
    const service = store.getState().services.find((x) => x.name === name);
    if (!service) return;
    const job = running.get(name);
    if (job) {
      job.next = (job.next ?? job.to) + delta;
      dispatch({ type: 'ui.busy', text: `scaling ${name} to ${job.to}, then to ${job.next}…` });
      return;
    }
    runScale(name, service.desired + delta);
  };
}
