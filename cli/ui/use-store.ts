import { useSyncExternalStore } from 'react';
import type { Store } from './store.js';

/**
 * A slice of a store's state. The selector must return something the reducer keeps by reference
 * when unchanged (a slice, not a freshly built object), or every notification re-renders.
 */
export function useStore<S, A, T>(store: Store<S, A>, select: (state: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
