import { describe, expect, it } from 'vitest';
import { actionKey } from '../../../sandbox/chaos/action.js';
import { seededRandom } from '../../../sandbox/chaos/prng.js';
import { randomSchedule, type ScheduleOptions } from '../../../sandbox/chaos/schedule.js';

const options = (seed: number, over: Partial<ScheduleOptions> = {}): ScheduleOptions => ({
  seed,
  durationMs: 60_000,
  perMinute: 20,
  bounds: { min: 2, max: 6, initial: 3 },
  database: true,
  ...over,
});

describe('the seeded generator', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const take = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 50 }, () => r.next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    for (const x of take(7)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws integers within bounds, both ends reachable', () => {
    const r = seededRandom(1);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('is pinned: these values must never change, or old journals stop replaying', () => {
    const r = seededRandom(42);
    expect([r.int(0, 1000), r.int(0, 1000), r.int(0, 1000)]).toMatchInlineSnapshot(`
      [
        239,
        586,
        93,
      ]
    `);
  });
});

describe('the random schedule', () => {
  it('is the same for the same seed, different for another', () => {
    const a = randomSchedule(options(42)).map(actionKey);
    expect(randomSchedule(options(42)).map(actionKey)).toEqual(a);
    expect(randomSchedule(options(43)).map(actionKey)).not.toEqual(a);
  });

  it('plans rate × duration actions in order, within the first 80 % of the run', () => {
    const s = randomSchedule(options(5));
    expect(s).toHaveLength(20);
    expect(s.map((a) => a.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let i = 1; i < s.length; i++) expect(s[i]!.atMs).toBeGreaterThanOrEqual(s[i - 1]!.atMs);
    expect(s.at(-1)!.atMs).toBeLessThan(48_000);
  });

  it('never leaves the declared bounds and never faults below the minimum', () => {
    for (let seed = 0; seed < 200; seed++) {
      let n = 3;
      for (const a of randomSchedule(options(seed))) {
        if (a.kind === 'scale') {
          expect(a.to).toBeGreaterThanOrEqual(2);
          expect(a.to).toBeLessThanOrEqual(6);
          expect(a.to).not.toBe(n);
          n = a.to!;
        }
        if (['kill', 'stop', 'pause', 'disconnect'].includes(a.kind))
          expect(n - 1).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('always includes what the verdicts need: a kill, a scale up, a scale down, a replace-all', () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = randomSchedule(options(seed));
      const kinds = s.map((a) => a.kind);
      expect(kinds).toContain('kill');
      expect(kinds).toContain('replace-all');
      expect(kinds).toContain('scale');
    }
  });

  it('restarts no database when the sandbox has none', () => {
    for (let seed = 0; seed < 50; seed++)
      expect(randomSchedule(options(seed, { database: false })).map((a) => a.kind)).not.toContain(
        'db-restart',
      );
  });
});

describe('a schedule for an engine that takes fewer kinds of action', () => {
  it('draws only those (Swarm: no disconnect, no db-restart), and the same ones as before otherwise', () => {
    const kinds = ['kill', 'stop', 'pause', 'scale', 'replace-all'] as const;
    for (const seed of [1, 2, 3, 4, 5]) {
      const swarm = randomSchedule(options(seed, { kinds }));
      expect(swarm.length).toBe(20);
      for (const a of swarm) expect(kinds).toContain(a.kind);
      expect(randomSchedule(options(seed, { kinds: undefined })).map(actionKey)).toEqual(
        randomSchedule(options(seed)).map(actionKey),
      );
    }
  });
});
