import { useApp } from 'ink';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';

/** How a view ends: a value for `waitUntilExit()` to resolve with, or an error it rejects with. */
export type Completion<T> = { value: T } | { error: Error };

const CompleteContext = createContext<((c: Completion<unknown>) => void) | undefined>(undefined);

/**
 * The one place that ends an Ink app (Shopify's InkLifecycleRoot): components call
 * `useComplete()` and never `exit()` themselves, so there is exactly one exit path and the
 * command's `await waitUntilExit()` sees either the value or the error.
 */
export function LifecycleRoot({ children }: { children: ReactNode }) {
  const { exit } = useApp();
  const complete = useCallback(
    (c: Completion<unknown>) => exit('error' in c ? c.error : c.value),
    [exit],
  );
  return <CompleteContext.Provider value={complete}>{children}</CompleteContext.Provider>;
}

/** Ends the app with a value or an error. Only valid under `<LifecycleRoot>`. */
export function useComplete<T>(): (c: Completion<T>) => void {
  const complete = useContext(CompleteContext);
  if (!complete) throw new Error('useComplete() needs a <LifecycleRoot> above it');
  return useMemo(() => complete as (c: Completion<T>) => void, [complete]);
}
