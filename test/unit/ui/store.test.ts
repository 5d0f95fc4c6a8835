import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../../cli/ui/store.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const counter = () => createStore((n: number, by: number) => n + by, 0, { intervalMs: 100 });

describe('createStore', () => {
  it('never notifies inside dispatch, and at most once per interval however many actions arrive', () => {
    const store = counter();
    const heard: number[] = [];
    store.subscribe(() => heard.push(store.getState()));
    for (let i = 0; i < 500; i++) store.dispatch(1);
    expect(heard).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(heard).toEqual([500]);
    for (let i = 0; i < 50; i++) {
      store.dispatch(1);
      vi.advanceTimersByTime(10);
    }
    // 500 ms of steady events: one notification per 100 ms.
    expect(heard.length).toBeLessThanOrEqual(1 + 5);
    vi.advanceTimersByTime(100);
    expect(heard.at(-1)).toBe(550);
  });

  it('stays silent when an action changes nothing', () => {
    const store = counter();
    const listener = vi.fn();
    store.subscribe(listener);
    store.dispatch(0);
    vi.advanceTimersByTime(1000);
    expect(listener).not.toHaveBeenCalled();
  });

  it('flush notifies at once; unsubscribing stops notifications', () => {
    const store = counter();
    const listener = vi.fn();
    const off = store.subscribe(listener);
    store.dispatch(1);
    store.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    off();
    store.dispatch(1);
    vi.advanceTimersByTime(1000);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
