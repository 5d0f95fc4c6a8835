import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How many full collections the dashboard asked for, and what they cost. */
export interface HeapKeeperStats {
  collections: number;
  totalMs: number;
  maxMs: number;
}

export interface HeapKeeper {
  stats: HeapKeeperStats;
  stop: () => void;
}

/**
 * Keeps a long-lived dashboard's memory near what it really holds. V8 sizes the heap to the
 * machine (a 4 GB limit on a 16 GiB laptop) and collects the old generation lazily, so a
 * dashboard that re-renders every second promotes a little garbage each time and never gives it
 * back: idle with 5 replicas it grew from 128 MB to 213 MB RSS in a minute, live heap ~50 MB
 * (bench:tui). So: every `intervalMs`, when the heap has grown by more than `growthBytes` since
 * the last full collection, collect now. One collection of this heap took 40–60 ms, about once
 * every 30 s while idle; bench:tui prints how many ran and their cost, against a baseline run with
 * `REHEARSAL_HEAP_KEEPER=off`. The young generation is cli/relaunch.ts's part (Node ≥ 22.15).
 */
export function keepHeapSmall(intervalMs = 5000, growthBytes = 12 * 2 ** 20): HeapKeeper {
  const stats: HeapKeeperStats = { collections: 0, totalMs: 0, maxMs: 0 };
  const gc = process.env.REHEARSAL_HEAP_KEEPER === 'off' ? undefined : exposeGc();
  if (!gc) return { stats, stop: () => undefined };
  let floor = getHeapStatistics().used_heap_size;
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size - floor < growthBytes) return;
    const t0 = performance.now();
    gc();
    const ms = performance.now() - t0;
    stats.collections++;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    floor = getHeapStatistics().used_heap_size;
  }, intervalMs);
  timer.unref();
  return { stats, stop: () => clearInterval(timer) };
}

/**
 * V8's `gc()` without starting Node with `--expose-gc`: the flag applies to contexts created
 * after it is set, so a fresh context hands out the function; the flag is then turned off again.
 * Undefined if this V8 does not offer it.
 */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
