/**
 * What the collector keeps of each span it received, whatever the encoding (OTLP protobuf or
 * JSON): enough to follow a request through the sandbox. Ids are lower-case hex, as in
 * `traceparent`.
 */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified). */
  kind: number;
  /** The resource's `service.name`, when it set one. */
  service: string;
  /** Unix nanoseconds, as a decimal string (64 bits do not fit a JSON number). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** `traces` as `protobuf` or `json`: how it arrived. */
  encoding: 'protobuf' | 'json';
  /** Epoch milliseconds at which the collector received it. */
  receivedAt: number;
}

/** The most recent spans, at most `capacity` of them (the oldest are dropped first). */
export class SpanStore {
  private readonly spans: ReceivedSpan[] = [];
  /** Spans received since start, dropped ones included. */
  received = 0;

  constructor(private readonly capacity = 20_000) {}

  add(list: ReceivedSpan[]): void {
    this.received += list.length;
    this.spans.push(...list);
    if (this.spans.length > this.capacity) this.spans.splice(0, this.spans.length - this.capacity);
  }

  /** Spans received at or after `since` (epoch ms), oldest first. */
  list(since = 0): ReceivedSpan[] {
    return this.spans.filter((s) => s.receivedAt >= since);
  }
}
