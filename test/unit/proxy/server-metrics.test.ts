import { describe, expect, it } from 'vitest';
import { BackendCounters, estimateQuantile } from '../../../proxy/server/metrics.js';

describe('replica counters', () => {
  it('estimates quantiles inside the fixed buckets', () => {
    // 100 samples: 50 in (2,5], 49 in (5,10], 1 in (1000,2500].
    const counts = [0, 0, 50, 49, 0, 0, 0, 0, 0, 0, 1, 0];
    expect(estimateQuantile(counts, 0.5)).toBe(5);
    expect(estimateQuantile(counts, 0.99)).toBe(10);
    expect(estimateQuantile(counts, 1)).toBe(2500);
    expect(estimateQuantile(new Array(12).fill(0), 0.5)).toBeNull();
    expect(estimateQuantile([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], 0.5)).toBe(2500);
  });

  it('counts responses by class, 5xx as errors too, and latency by bucket', () => {
    const c = new BackendCounters();
    c.response(200);
    c.response(302);
    c.response(503);
    c.error('retried');
    for (const ms of [0.5, 1, 1.5, 3000]) c.latencyMs(ms);
    const s = c.snapshot();
    expect(s.responses).toEqual({ '1xx': 0, '2xx': 1, '3xx': 1, '4xx': 0, '5xx': 1 });
    expect(s.errors).toMatchObject({ upstream_5xx: 1, retried: 1, timeout: 0 });
    expect(s.latencyMs.counts).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(s.latencyMs.buckets.at(-1)).toBe('+Inf');
  });
});
