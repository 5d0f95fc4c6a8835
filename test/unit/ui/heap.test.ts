import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { keepHeapSmall, type HeapKeeper } from '../../../cli/ui/heap.js';

let keeper: HeapKeeper | undefined;
afterEach(() => {
  keeper?.stop();
  keeper = undefined;
  delete process.env.REHEARSAL_HEAP_KEEPER;
});

/** Holds ~`mb` MB of small objects until the next tick, then lets them go. */
function garbage(mb: number): number {
  const list: { n: number; s: string }[] = [];
  for (let i = 0; i < mb * 12_000; i++) list.push({ n: i, s: `row ${i}` });
  return list.length;
}

describe('keepHeapSmall', () => {
  it('collects once the heap has grown past the threshold, and reports what it cost', async () => {
    keeper = keepHeapSmall(20, 2 * 2 ** 20);
    const until = Date.now() + 3000;
    while (keeper.stats.collections === 0 && Date.now() < until) {
      garbage(8);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(keeper.stats.collections).toBeGreaterThan(0);
    expect(keeper.stats.totalMs).toBeGreaterThan(0);
    expect(keeper.stats.maxMs).toBeLessThanOrEqual(keeper.stats.totalMs);
  });

  it('does nothing with REHEARSAL_HEAP_KEEPER=off (the bench baseline)', async () => {
    process.env.REHEARSAL_HEAP_KEEPER = 'off';
    keeper = keepHeapSmall(20, 1);
    for (let i = 0; i < 10; i++) {
      garbage(8);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(keeper.stats.collections).toBe(0);
  });

  it('leaves gc() unexposed to contexts created after it', () => {
    keepHeapSmall(60_000).stop();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
