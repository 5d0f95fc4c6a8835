/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/): keep a valid incoming
 * one, otherwise start a trace here, as the Marketplace's edge does.
 */
import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** True when `value` is a traceparent a downstream tracer would accept. */
export function isValidTraceparent(value: string): boolean {
  const m = TRACEPARENT.exec(value);
  if (m === null) return false;
  const [, version, traceId, spanId, , rest] = m;
  if (version === 'ff' || traceId === ZERO_TRACE || spanId === ZERO_SPAN) return false;
  // Version 00 has exactly four fields; a later version may append more.
  return version !== '00' || rest === undefined;
}

// One getrandom call per 170 requests instead of one per request: ids sit on the hot path.
const POOL = Buffer.alloc(24 * 170);
let offset = POOL.length;

/** A fresh `00-<trace id>-<span id>-01` with random ids (never all zeros). */
export function newTraceparent(): string {
  if (offset === POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const start = offset;
  offset += 24;
  const traceId = POOL.toString('hex', start, start + 16);
  const spanId = POOL.toString('hex', start + 16, start + 24);
  // All-zero ids are invalid; 2^-64 odds, but a retry costs nothing.
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return newTraceparent();
  return `00-${traceId}-${spanId}-01`;
}
