import { describe, expect, it } from 'vitest';
import { attributedTo, ownerOf } from '../../../sandbox/chaos/attribution.js';

describe('attributing failures to overlapping actions', () => {
  const windows = [
    { seq: 1, startAt: 1000, endAt: 9000 }, // a kill whose recovery takes long
    { seq: 2, startAt: 4000, endAt: 6000 }, // a pause inside it
    { seq: 3, startAt: 8000 }, // still open
  ];

  it('gives each failure to the nearest action that began before it, once', () => {
    expect(ownerOf(2000, windows)).toBe(1);
    expect(ownerOf(5000, windows)).toBe(2);
    expect(ownerOf(7000, windows)).toBe(1); // the pause had recovered
    expect(ownerOf(8500, windows)).toBe(3);
    expect(ownerOf(500, windows)).toBeUndefined();
  });

  it('counts no failure twice: the counts of overlapping actions add up to the failures', () => {
    const failures = [1500, 4500, 5500, 7000, 8200, 9500, 12000].map((at) => ({ at }));
    const counts = windows.map((w) => attributedTo(failures, w.seq, windows).length);
    expect(counts).toEqual([2, 2, 3]);
    // The naive per-window filter counted 4500 and 5500 for both #1 and #2, 8200 for #1 and #3.
    const naive = windows.map(
      (w) => failures.filter((f) => f.at >= w.startAt && f.at <= (w.endAt ?? Infinity)).length,
    );
    expect(naive).toEqual([5, 2, 3]);
  });

  it('breaks a tie of equal starts by the later action', () => {
    expect(
      ownerOf(100, [
        { seq: 4, startAt: 50, endAt: 200 },
        { seq: 5, startAt: 50 },
      ]),
    ).toBe(5);
  });
});
