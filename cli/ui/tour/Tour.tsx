import { useInput } from 'ink';
import { useEffect } from 'react';
import { useComplete } from '../lifecycle.js';
import type { Store } from '../store.js';
import { useStore } from '../use-store.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { TourView } from './components/TourView.js';
import type { TourAction, TourState } from './state.js';

type Key = 'next' | 'back' | 'again' | 'quit';

/** The tour on screen: reads the store, turns keys into the controller's moves, completes once. */
export function Tour({
  store,
  onKey,
}: {
  store: Store<TourState, TourAction>;
  onKey: (k: Key) => void;
}) {
  const state = useStore(store, (s) => s);
  const complete = useComplete<number>();
  const { columns } = useTerminalSize();
  useEffect(() => {
    if (state.outcome) complete(state.outcome);
  }, [state.outcome, complete]);
  useInput((input, key) => {
    if (input === 'n' || input === ' ' || key.rightArrow) onKey('next');
    else if (input === 'b' || key.leftArrow) onKey('back');
    else if (input === 'r') onKey('again');
    else if (input === 'q' || (key.ctrl && input === 'c')) onKey('quit');
  });
  if (state.outcome) return null;
  return <TourView state={state} width={Math.max(40, columns)} />;
}
