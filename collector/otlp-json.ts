/**
 * OTLP traces in JSON (`application/json`), as the OTLP specification maps the protobuf messages:
 * lowerCamelCase field names, trace and span ids as hex strings (not base64), enums as integers,
 * 64-bit integers as decimal strings or numbers. Unknown fields are ignored, as in protobuf.
 */
import type { ReceivedSpan } from './spans.js';

/** Why a payload is not an OTLP JSON trace export. */
export class OtlpJsonError extends Error {}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function idOf(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || !HEX.test(v))
    throw new OtlpJsonError(`${field} must be a hex string, got ${JSON.stringify(v)}`);
  return v.toLowerCase();
}

function nanos(v: unknown, field: string): string {
  if (v === undefined || v === null) return '0';
  if ((typeof v === 'string' && /^\d+$/.test(v)) || (typeof v === 'number' && v >= 0))
    return typeof v === 'number' ? BigInt(Math.round(v)).toString() : v;
  throw new OtlpJsonError(`${field} must be an unsigned integer, got ${JSON.stringify(v)}`);
}

const list = (v: unknown, field: string): Record<string, unknown>[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpJsonError(`${field} must be an array`);
  return v as Record<string, unknown>[];
};

/** Decodes an `ExportTraceServiceRequest` in OTLP JSON; throws OtlpJsonError when it is not one. */
export function decodeJsonTraces(text: string, receivedAt: number): ReceivedSpan[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new OtlpJsonError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new OtlpJsonError('the body must be a JSON object with "resourceSpans"');
  const out: ReceivedSpan[] = [];
  for (const [i, rs] of list(
    (doc as Record<string, unknown>).resourceSpans,
    'resourceSpans',
  ).entries()) {
    const resource = (rs.resource ?? {}) as Record<string, unknown>;
    const attrs = list(resource.attributes, `resourceSpans[${i}].resource.attributes`);
    const name = attrs.find((a) => a.key === 'service.name')?.value as
      { stringValue?: unknown } | undefined;
    const service = typeof name?.stringValue === 'string' ? name.stringValue : '';
    for (const [j, ss] of list(rs.scopeSpans, `resourceSpans[${i}].scopeSpans`).entries())
      for (const [k, s] of list(ss.spans, `resourceSpans[${i}].scopeSpans[${j}].spans`).entries()) {
        const at = `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
        const kind = s.kind ?? 0;
        if (typeof kind !== 'number' || !Number.isInteger(kind))
          throw new OtlpJsonError(`${at}.kind must be an integer, got ${JSON.stringify(kind)}`);
        out.push({
          traceId: idOf(s.traceId, `${at}.traceId`),
          spanId: idOf(s.spanId, `${at}.spanId`),
          parentSpanId: idOf(s.parentSpanId, `${at}.parentSpanId`),
          name: typeof s.name === 'string' ? s.name : '',
          kind,
          service,
          startTimeUnixNano: nanos(s.startTimeUnixNano, `${at}.startTimeUnixNano`),
          endTimeUnixNano: nanos(s.endTimeUnixNano, `${at}.endTimeUnixNano`),
          encoding: 'json',
          receivedAt,
        });
      }
  }
  return out;
}
