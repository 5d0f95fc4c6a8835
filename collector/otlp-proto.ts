/**
 * OTLP traces in protobuf (`application/x-protobuf`), decoded with protobufjs from the message
 * definitions of the official opentelemetry-proto repository (v1.5.0: common/v1/common.proto,
 * resource/v1/resource.proto, trace/v1/trace.proto, collector/trace/v1/trace_service.proto), with
 * their package names, field names and numbers unchanged. Comments, options and the fields a
 * trace collector here never reads (entity references, profiles) are left out: protobuf skips
 * unknown fields, so payloads that carry them decode the same.
 */
import protobuf from 'protobufjs';
import type { ReceivedSpan } from './spans.js';

export const OTLP_TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.common.v1;
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

const RESOURCE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.resource.v1;
message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.trace.v1;
message TracesData { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  reserved 1;
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}
`;

const SERVICE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.collector.trace.v1;
message ExportTraceServiceRequest {
  repeated opentelemetry.proto.trace.v1.ResourceSpans resource_spans = 1;
}
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}
`;

let types: { request: protobuf.Type; response: protobuf.Type } | undefined;

function load() {
  if (types) return types;
  const root = new protobuf.Root();
  for (const text of [OTLP_TRACE_PROTO, RESOURCE_PROTO, TRACE_PROTO, SERVICE_PROTO])
    protobuf.parse(text, root, { keepCase: false });
  root.resolveAll();
  types = {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  };
  return types;
}

/** The request as protobufjs's plain-object view: ids as bytes, 64-bit times as strings. */
interface DecodedRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value?: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: {
        traceId?: Uint8Array;
        spanId?: Uint8Array;
        parentSpanId?: Uint8Array;
        name?: string;
        kind?: number;
        startTimeUnixNano?: string;
        endTimeUnixNano?: string;
      }[];
    }[];
  }[];
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '');

/** Decodes an `ExportTraceServiceRequest`; throws on bytes that are not one. */
export function decodeProtobufTraces(body: Uint8Array, receivedAt: number): ReceivedSpan[] {
  const { request } = load();
  const message = request.decode(body);
  const plain = request.toObject(message, { longs: String, enums: Number }) as DecodedRequest;
  const out: ReceivedSpan[] = [];
  for (const rs of plain.resourceSpans ?? []) {
    const service =
      rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '';
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? [])
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name ?? '',
          kind: s.kind ?? 0,
          service,
          startTimeUnixNano: s.startTimeUnixNano ?? '0',
          endTimeUnixNano: s.endTimeUnixNano ?? '0',
          encoding: 'protobuf',
          receivedAt,
        });
  }
  return out;
}

/** An `ExportTraceServiceResponse` with nothing rejected: an empty message. */
export function protobufExportResponse(): Uint8Array {
  const { response } = load();
  return response.encode(response.create({})).finish();
}
