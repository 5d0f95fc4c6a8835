import type { DashboardAction } from '../actions.js';
import type { TrafficView } from '../state.js';

/** Samples kept for the sparkline: a minute at one a second, wider than any terminal needs. */
export const TRAFFIC_POINTS = 60;

/**
 * Traffic figures from `traffic.sample` events (the dashboard's own generator or a chaos run's):
 * a bounded list of points for the sparkline, the latest figures, and the totals.
 */
export function trafficReducer(t: TrafficView, a: DashboardAction): TrafficView {
  switch (a.type) {
    case 'ui.traffic':
      return {
        ...t,
        source: a.source,
        ...(a.service ? { service: a.service } : {}),
        ...(a.source !== 'off' && t.source === 'off' ? { points: [] } : {}),
      };
    case 'traffic.sample': {
      const failed = Object.values(a.errors).reduce((n, v) => n + v, 0);
      const answered = Object.values(a.replicas).reduce((n, v) => n + v, 0);
      const share = Object.fromEntries(
        Object.entries(a.replicas).map(([k, v]) => [k, answered ? v / answered : 0]),
      );
      const points = [
        ...t.points.slice(-(TRAFFIC_POINTS - 1)),
        { rps: a.rps, requests: a.requests, failed },
      ];
      return {
        ...t,
        points,
        last: { rps: a.rps, p50Ms: a.p50Ms, p99Ms: a.p99Ms, errors: a.errors, share },
        total: { requests: t.total.requests + a.requests, failed: t.total.failed + failed },
      };
    }
    default:
      return t;
  }
}

/** Failed share of the requests over the last `n` samples (0..1), 0 with no requests. */
export function errorRate(t: TrafficView, n = 5): number {
  const recent = t.points.slice(-n);
  const requests = recent.reduce((s, p) => s + p.requests, 0);
  return requests ? recent.reduce((s, p) => s + p.failed, 0) / requests : 0;
}

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as a sparkline scaled to their own maximum. */
export function sparkline(values: number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown);
  const line = shown
    .map((v) => (max > 0 ? BARS[Math.min(7, Math.round((v / max) * 7))] : BARS[0]))
    .join('');
  return line.padStart(width, ' ');
}
