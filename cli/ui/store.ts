/**
 * The bridge between the core and the views: actions go in synchronously (an `Emit` is one
 * `dispatch`), subscribers hear about them at most once per `intervalMs`. That cap is what keeps
 * the dashboard at ≤ 10 renders a second however fast events arrive: a burst of log lines or
 * pull progress becomes one render.
 */
export interface Store<S, A> {
  getState(): S;
  dispatch(action: A): void;
  subscribe(listener: () => void): () => void;
  /** Tells subscribers now, skipping the wait: for tests and for the last frame before exit. */
  flush(): void;
}

export interface StoreOptions {
  intervalMs?: number;
  now?: () => number;
}

export const RENDER_INTERVAL_MS = 100;

export function createStore<S, A>(
  reducer: (state: S, action: A) => S,
  initial: S,
  options: StoreOptions = {},
): Store<S, A> {
  const interval = options.intervalMs ?? RENDER_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  let state = initial;
  let timer: NodeJS.Timeout | undefined;
  let last = Number.NEGATIVE_INFINITY;

  const notify = () => {
    clearTimeout(timer);
    timer = undefined;
    last = now();
    for (const l of [...listeners]) l();
  };
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      // Never notify inside dispatch: the core emits from deep inside its own work, and a render
      // there would run React in the middle of a Docker call's callback.
      timer ??= setTimeout(notify, Math.max(0, last + interval - now()));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) clearTimeout(timer);
      };
    },
    flush: notify,
  };
}
