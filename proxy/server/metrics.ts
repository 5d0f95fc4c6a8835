/**
 * Per-replica counters for the admin stream: requests, responses by status class, errors by
 * cause, a fixed-bucket latency histogram with p50/p99 estimates. Counters only grow; readers
 * take differences between snapshots.
 */

/** Upper bounds (ms) of the latency buckets; one more bucket counts everything slower. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

/**
 * Why a request did not get a clean answer from a replica.
 * - `connect_refused`: no connection could be made (refused, unreachable, connect timeout).
 * - `reset_before_request`: the connection broke before the request reached the replica, or a
 *   reused keep-alive connection was closed before any response byte.
 * - `reset_after_request`: the connection broke after the request was sent, or mid-response.
 * - `timeout`: the replica went silent for longer than the response timeout.
 * - `invalid_response`: the replica's response was not valid HTTP/1.1 (502 or truncated).
 * - `upstream_5xx`: the replica answered 5xx (passed through to the client).
 * - `retried`: of the failures above on this replica, how many were retried on another one.
 */
export type ErrorCause =
  | 'connect_refused'
  | 'reset_before_request'
  | 'reset_after_request'
  | 'timeout'
  | 'invalid_response'
  | 'upstream_5xx'
  | 'retried';

const CAUSES: readonly ErrorCause[] = [
  'connect_refused',
  'reset_before_request',
  'reset_after_request',
  'timeout',
  'invalid_response',
  'upstream_5xx',
  'retried',
];

/** A point-in-time copy of one replica's counters, as JSON. */
export interface CountersSnapshot {
  requests: number;
  responses: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  errors: Record<ErrorCause, number>;
  latencyMs: {
    /** Bucket upper bounds; the last is `"+Inf"`. */
    buckets: (number | '+Inf')[];
    counts: number[];
    p50: number | null;
    p99: number | null;
  };
}

/**
 * Estimates quantile `q` (0..1) from bucket counts by linear interpolation inside the bucket;
 * samples in the +Inf bucket count as the last finite bound. Null when there are no samples.
 */
export function estimateQuantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] as number;
    if (n > 0 && seen + n >= rank) {
      const upper = LATENCY_BUCKETS_MS[i] ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1];
      if (i >= LATENCY_BUCKETS_MS.length) return upper as number;
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] as number);
      return lower + ((upper as number) - lower) * ((rank - seen) / n);
    }
    seen += n;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] as number;
}

/** Counters of one replica. Plain fields and typed arrays: updated on every request. */
export class BackendCounters {
  requests = 0;
  private readonly classes = new Float64Array(5);
  private readonly errors = new Float64Array(CAUSES.length);
  private readonly latency = new Float64Array(LATENCY_BUCKETS_MS.length + 1);

  /** A response head arrived with `status`. */
  response(status: number): void {
    const cls = Math.floor(status / 100) - 1;
    if (cls >= 0 && cls < 5) this.classes[cls] = (this.classes[cls] as number) + 1;
    if (status >= 500) this.error('upstream_5xx');
  }

  error(cause: ErrorCause): void {
    const i = CAUSES.indexOf(cause);
    this.errors[i] = (this.errors[i] as number) + 1;
  }

  /** A response finished `ms` after the request was sent. */
  latencyMs(ms: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > (LATENCY_BUCKETS_MS[i] as number)) i++;
    this.latency[i] = (this.latency[i] as number) + 1;
  }

  snapshot(): CountersSnapshot {
    const c = this.classes;
    const counts = Array.from(this.latency);
    return {
      requests: this.requests,
      responses: { '1xx': c[0]!, '2xx': c[1]!, '3xx': c[2]!, '4xx': c[3]!, '5xx': c[4]! },
      errors: Object.fromEntries(CAUSES.map((k, i) => [k, this.errors[i]])) as Record<
        ErrorCause,
        number
      >,
      latencyMs: {
        buckets: [...LATENCY_BUCKETS_MS, '+Inf'],
        counts,
        p50: estimateQuantile(counts, 0.5),
        p99: estimateQuantile(counts, 0.99),
      },
    };
  }
}
