import type { LoadedDeclaration } from '../declaration/types.js';
import type { ImageRef } from '../images/catalogue.js';
import { composeLiteral } from './bindings.js';
import type { ServicePlan, UnboundVariable } from './types.js';

/** The trace collector's service name, its OTLP/HTTP port and its read-only query port. */
export const COLLECTOR_SERVICE = 'collector';
export const COLLECTOR_OTLP_PORT = 4318;
export const COLLECTOR_QUERY_PORT = 4319;
/** What a task's variable receives when nothing in rehearsal.yaml names one. */
export const DEFAULT_COLLECTOR_VARIABLE = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/** Values the collector gives: OTLP's base URL (the SDK adds /v1/traces) or the traces URL. */
export type CollectorValue = 'endpoint' | 'traces_endpoint';

const VALUES: Record<CollectorValue, string> = {
  endpoint: `http://${COLLECTOR_SERVICE}:${COLLECTOR_OTLP_PORT}`,
  traces_endpoint: `http://${COLLECTOR_SERVICE}:${COLLECTOR_OTLP_PORT}/v1/traces`,
};

/** Declared variables that receive the collector by name, as the OpenTelemetry SDKs read them. */
const CONVENTIONAL: Record<string, CollectorValue> = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'endpoint',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'traces_endpoint',
};

/**
 * Which of a task's variables receive the collector's settings: those rehearsal.yaml binds to
 * `collector.endpoint` / `collector.traces_endpoint`, else the declared OTEL_EXPORTER_OTLP_*
 * ones; with `always` (the check) a task that names none gets OTEL_EXPORTER_OTLP_ENDPOINT.
 */
export function collectorVariables(
  loaded: LoadedDeclaration,
  task: string,
  always: boolean,
): Record<string, CollectorValue> {
  const out: Record<string, CollectorValue> = {};
  const overlay = loaded.taskOverlays[task] ?? {};
  for (const [key, source] of Object.entries(overlay.bind ?? {}))
    if (source.startsWith('collector.')) out[key] = source.slice(10) as CollectorValue;
  const declared = loaded.declaration.tasks.find((t) => t.name === task)?.environment ?? [];
  for (const v of declared) {
    const value = CONVENTIONAL[v.key];
    if (value && !(v.key in out) && !overlay.bind?.[v.key]) out[v.key] = value;
  }
  if (always && Object.keys(out).length === 0) out[DEFAULT_COLLECTOR_VARIABLE] = 'endpoint';
  return out;
}

/** The collector: the runtime image's `collector` entry point, one replica, nothing published but the query port. */
export function collectorService(image: ImageRef, stopGraceSeconds: number): ServicePlan {
  return {
    name: COLLECTOR_SERVICE,
    role: 'collector',
    label: 'trace collector (OTLP/HTTP)',
    image,
    command: ['node', '/app/collector.mjs'],
    environment: {},
    replicas: 1,
    instancesMinimum: 1,
    instancesMaximum: 1,
    memoryBytes: 128 * 1024 * 1024,
    // Only the query port needs publishing (for Rehearsal); both are published, as every
    // service's ports are, on 127.0.0.1.
    ports: [COLLECTOR_OTLP_PORT, COLLECTOR_QUERY_PORT],
    probe: { port: COLLECTOR_QUERY_PORT, path: '/healthz' },
    volumes: [],
    dependsOn: [],
    aliases: [],
    stopGraceSeconds,
  };
}

/**
 * Adds the collector to a sandbox when a task asks for it (a variable bound or declared as above)
 * or when `always` (the check sandbox), and gives each task's variables its URL unless the
 * overlay or a flag set them literally. Idempotent; mutates `services` and `unbound`.
 */
export function planCollector(
  loaded: LoadedDeclaration,
  services: ServicePlan[],
  ctx: {
    image: ImageRef;
    stopGraceSeconds: number;
    always: boolean;
    unbound: UnboundVariable[];
    literal: (task: string, key: string) => boolean;
  },
): ServicePlan | undefined {
  const tasks = services.filter((s) => s.role === 'task' || s.role === 'init' || s.role === 'cron');
  const wanted = tasks.map((t) => [t, collectorVariables(loaded, t.name, ctx.always)] as const);
  if (!wanted.some(([, vars]) => Object.keys(vars).length > 0)) return undefined;
  let collector = services.find((s) => s.name === COLLECTOR_SERVICE);
  if (!collector) {
    collector = collectorService(ctx.image, ctx.stopGraceSeconds);
    services.push(collector);
  }
  for (const [t, vars] of wanted) {
    for (const [key, value] of Object.entries(vars)) {
      if (ctx.literal(t.name, key)) continue;
      t.environment[key] = composeLiteral(VALUES[value]);
      const at = ctx.unbound.findIndex((u) => u.service === t.name && u.key === key);
      if (at >= 0) ctx.unbound.splice(at, 1);
    }
    if (Object.keys(vars).length > 0 && !t.dependsOn.includes(COLLECTOR_SERVICE))
      t.dependsOn = [...t.dependsOn, COLLECTOR_SERVICE];
  }
  return collector;
}
