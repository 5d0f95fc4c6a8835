import { gzipSync } from 'node:zlib';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { startCollector } from '../../../collector/server.js';
import { silentLogger } from '../../../base/log.js';
import { httpRequest } from '../../../sandbox/net/http-request.js';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Spans made by the official SDK: a server span continuing PARENT, and a child of it. */
function sdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'patients' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const parent = new W3CTraceContextPropagator().extract(
    context.active(),
    { traceparent: PARENT },
    { get: (c, k) => (c as Record<string, string>)[k], keys: (c) => Object.keys(c) },
  );
  const server = tracer.startSpan('GET /Patient', { kind: SpanKind.SERVER }, parent);
  tracer
    .startSpan('SELECT patients', { kind: SpanKind.CLIENT }, trace.setSpan(parent, server))
    .end();
  server.end();
  return exporter.getFinishedSpans();
}

async function post(port: number, body: Uint8Array | string, headers: Record<string, string>) {
  return httpRequest(`http://127.0.0.1:${port}/v1/traces`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : (Buffer.from(body) as unknown as string),
    timeoutMs: 5000,
  });
}

const start = () =>
  startCollector({ otlpPort: 0, queryPort: 0, host: '127.0.0.1', logger: silentLogger });

describe('trace collector (OTLP/HTTP)', () => {
  it('keeps spans sent in protobuf by the official serializer, ids as in traceparent', async () => {
    await using c = await start();
    const r = await post(c.otlpPort, ProtobufTraceSerializer.serializeRequest(sdkSpans())!, {
      'content-type': 'application/x-protobuf',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    const spans = c.store.list();
    expect(spans).toHaveLength(2);
    const server = spans.find((s) => s.name === 'GET /Patient')!;
    expect(server).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      kind: 2,
      service: 'patients',
      encoding: 'protobuf',
    });
    expect(server.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(server.endTimeUnixNano) >= BigInt(server.startTimeUnixNano)).toBe(true);
    expect(spans.find((s) => s.kind === 3)?.parentSpanId).toBe(server.spanId);
  });

  it('keeps spans sent in JSON (gzip too) by the official serializer', async () => {
    await using c = await start();
    const json = JsonTraceSerializer.serializeRequest(sdkSpans())!;
    expect((await post(c.otlpPort, json, { 'content-type': 'application/json' })).status).toBe(200);
    const gz = await post(c.otlpPort, gzipSync(json), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(gz.status).toBe(200);
    expect(JSON.parse(gz.body)).toEqual({});
    const spans = c.store.list();
    expect(spans).toHaveLength(4);
    expect(spans.every((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736')).toBe(true);
    expect(spans.every((s) => s.encoding === 'json' && s.service === 'patients')).toBe(true);
  });

  it('receives what the official OTLP/HTTP protobuf exporter sends, and serves it on /spans', async () => {
    await using c = await start();
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${c.otlpPort}/v1/traces` });
    const result = await new Promise<{ code: number }>((ok) => exporter.export(sdkSpans(), ok));
    await exporter.shutdown();
    expect(result.code).toBe(0);
    const r = await httpRequest(`http://127.0.0.1:${c.queryPort}/spans`, { timeoutMs: 5000 });
    const body = JSON.parse(r.body) as { received: number; spans: { traceId: string }[] };
    expect(body.received).toBe(2);
    expect(body.spans.map((s) => s.traceId)).toEqual([
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '4bf92f3577b34da6a3ce929d0e0e4736',
    ]);
  });

  it('refuses other encodings, bad payloads and other paths with the OTLP status codes', async () => {
    await using c = await start();
    expect((await post(c.otlpPort, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const bad = await post(
      c.otlpPort,
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}',
      {
        'content-type': 'application/json',
      },
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/traceId must be a hex string/);
    expect(
      (
        await post(c.otlpPort, Buffer.from([0xff, 0xff, 0xff]) as unknown as string, {
          'content-type': 'application/x-protobuf',
        })
      ).status,
    ).toBe(400);
    const metrics = await httpRequest(`http://127.0.0.1:${c.otlpPort}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 5000,
    });
    expect(metrics.status).toBe(200);
    expect(
      (await httpRequest(`http://127.0.0.1:${c.otlpPort}/other`, { timeoutMs: 5000 })).status,
    ).toBe(404);
    expect(c.store.list()).toEqual([]);
  });
});
