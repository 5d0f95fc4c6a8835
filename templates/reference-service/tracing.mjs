// Tracing with the official OpenTelemetry JS SDK: one SERVER span per request, continuing the
// trace of the incoming W3C `traceparent` (the edge's), exported over OTLP/HTTP in protobuf.
// Opt-in, as a good citizen's telemetry is: on only when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names a collector, and OTEL_SDK_DISABLED is not "true".
// The exporter reads the standard OTEL_* variables itself (endpoint, headers, timeout).
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Is tracing asked for by the environment? */
export function tracingEnabled(env) {
  const endpoint = (
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    env.OTEL_EXPORTER_OTLP_ENDPOINT ??
    ''
  ).trim();
  return endpoint !== '' && (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() !== 'true';
}

/**
 * Starts the SDK. `ignoreIncoming` (NAUGHTY_NO_TRACE_CONTEXT) starts every request's span as a
 * new root, dropping the caller's trace: the spans still arrive, under unrelated trace ids.
 */
export function createTracing(env, log, { service, version, ignoreIncoming = false }) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': (env.OTEL_SERVICE_NAME ?? '').trim() || service,
      'service.version': version,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ timeoutMillis: 2000 }), {
        // Spans reach the collector within a second, not the SDK's default five.
        scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY) || 1000,
      }),
    ],
  });
  const propagator = new W3CTraceContextPropagator();
  propagation.setGlobalPropagator(propagator);
  const tracer = provider.getTracer(service, version);
  const getter = {
    get: (headers, key) => headers[key],
    keys: (headers) => Object.keys(headers),
  };
  log.info('tracing on', {
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT,
    ...(ignoreIncoming ? { ignoringIncomingTraceContext: true } : {}),
  });
  return {
    /** The handler, each request in a SERVER span (path only: queries may hold PHI). */
    wrap(handler) {
      return (req, res) => {
        const parent = ignoreIncoming
          ? ROOT_CONTEXT
          : propagator.extract(ROOT_CONTEXT, req.headers, getter);
        const path = (req.url ?? '/').split('?')[0];
        const route = `/${path.split('/')[1] ?? ''}`;
        const span = tracer.startSpan(
          `${req.method} ${route}`,
          {
            kind: SpanKind.SERVER,
            attributes: { 'http.request.method': req.method, 'url.path': path },
          },
          parent,
        );
        res.once('close', () => {
          span.setAttribute('http.response.status_code', res.statusCode);
          if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        });
        context.with(trace.setSpan(parent, span), () => handler(req, res));
      };
    },
    /** Exports what is still buffered (bounded by the exporter's 2 s timeout). */
    shutdown: () => provider.shutdown(),
  };
}
