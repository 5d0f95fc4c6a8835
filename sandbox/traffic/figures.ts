/** Live figures of the traffic, one sample per interval (default a second). */
export interface TrafficSample {
  /** Milliseconds since the traffic started. */
  t: number;
  requests: number;
  rps: number;
  /** Failures by cause: "HTTP 502", "ECONNRESET", "TIMEOUT"… */
  errors: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** Responses per replica (its X-Replica) in the interval. */
  replicas: Record<string, number>;
}

/** The value at quantile q (0..1) of sorted numbers; 0 for none. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/** Accumulates one interval, and the whole run's totals (latencies capped at `cap`). */
export class Figures {
  private window = {
    requests: 0,
    errors: {} as Record<string, number>,
    latencies: [] as number[],
    replicas: {} as Record<string, number>,
  };
  readonly total = {
    requests: 0,
    errors: {} as Record<string, number>,
    replicas: {} as Record<string, number>,
  };
  private readonly latencies: number[] = [];
  private windowStart: number;

  constructor(
    private readonly now: () => number,
    private readonly start: number,
    private readonly cap = 200_000,
  ) {
    this.windowStart = start;
  }

  record(ms: number, replica: string | undefined, error: string | undefined): void {
    this.window.requests++;
    this.total.requests++;
    this.window.latencies.push(ms);
    if (this.latencies.length < this.cap) this.latencies.push(ms);
    if (replica) {
      this.window.replicas[replica] = (this.window.replicas[replica] ?? 0) + 1;
      this.total.replicas[replica] = (this.total.replicas[replica] ?? 0) + 1;
    }
    if (error) {
      this.window.errors[error] = (this.window.errors[error] ?? 0) + 1;
      this.total.errors[error] = (this.total.errors[error] ?? 0) + 1;
    }
  }

  /** Closes the current interval and returns its sample. */
  sample(): TrafficSample {
    const at = this.now();
    const sorted = this.window.latencies.sort((a, b) => a - b);
    const seconds = Math.max(0.001, (at - this.windowStart) / 1000);
    const s: TrafficSample = {
      t: at - this.start,
      requests: this.window.requests,
      rps: Math.round((this.window.requests / seconds) * 10) / 10,
      errors: this.window.errors,
      p50Ms: round(quantile(sorted, 0.5)),
      p99Ms: round(quantile(sorted, 0.99)),
      replicas: this.window.replicas,
    };
    this.window = { requests: 0, errors: {}, latencies: [], replicas: {} };
    this.windowStart = at;
    return s;
  }

  /** p50/p99 of the whole run. */
  overall(): { p50Ms: number; p99Ms: number } {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return { p50Ms: round(quantile(sorted, 0.5)), p99Ms: round(quantile(sorted, 0.99)) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
