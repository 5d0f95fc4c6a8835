import { setTimeout as sleep } from 'node:timers/promises';
import { newTraceparent } from '../../../proxy/server/trace-context.js';
import type { LoadedDeclaration } from '../../declaration/types.js';
import type { Engine } from '../../engine/engine.js';
import { imageModeFromEnv, runtimeImage } from '../../images/catalogue.js';
import { httpRequest } from '../../net/http-request.js';
import { COLLECTOR_QUERY_PORT, COLLECTOR_SERVICE, planCollector } from '../../plan/collector.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { listReplicas } from '../../sandbox/replicas.js';
import { EdgeClient, edgeTarget } from '../../traffic/edge-client.js';

/** What Profilable is judged on, per task: trace ids sent through the edge and spans back. */
export interface TraceFacts {
  /** Requests sent through the edge, each with its own `traceparent`. */
  sent: number;
  /** Of those, how many the edge answered (any status). */
  answered: number;
  /** Spans the collector received from anyone during the probe (every task exports there). */
  spansReceived: number;
  /** Trace ids sent that came back in at least one span. */
  matched: number;
  /** Of the matched spans, how many name the edge's span as their parent (W3C parent-id). */
  parentMatched: number;
  /** The variable(s) given the collector's URL, as `KEY=value`. */
  variables: string[];
  /** A few trace ids sent, and the spans seen for them, for the report. */
  examples: string[];
  /** The collector could not be read. */
  error?: string;
}

/**
 * Makes sure the check sandbox has the trace collector and that every task's collector variable
 * (rehearsal.yaml's `bind: { KEY: collector.endpoint }`, else OTEL_EXPORTER_OTLP_ENDPOINT) points
 * at it. Call before `up`.
 */
export function ensureCollector(plan: Plan, loaded: LoadedDeclaration): void {
  const edge = plan.services.find((s) => s.role === 'proxy');
  planCollector(loaded, plan.services, {
    image: edge?.image ?? runtimeImage(imageModeFromEnv()),
    stopGraceSeconds: edge?.stopGraceSeconds ?? 10,
    always: true,
    unbound: plan.unbound,
    literal: (task, key) => loaded.taskOverlays[task]?.env?.[key] !== undefined,
  });
}

interface CollectorSpan {
  traceId: string;
  parentSpanId: string;
  name: string;
  service: string;
}

async function readSpans(
  url: string,
  since: number,
): Promise<{ received: number; spans: CollectorSpan[] }> {
  const r = await httpRequest(`${url}/spans?since=${since}`, {
    timeoutMs: 5000,
    maxBodyBytes: 64 * 1024 * 1024,
  });
  if (r.status !== 200) throw new Error(`GET /spans → ${r.status}`);
  return JSON.parse(r.body) as { received: number; spans: CollectorSpan[] };
}

/** The collector's query URL on 127.0.0.1, or undefined when it does not run. */
export async function collectorUrl(plan: Plan, engine: Engine): Promise<string | undefined> {
  const c = (await listReplicas(engine, plan.sandboxId, COLLECTOR_SERVICE)).find(
    (r) => r.state === 'running',
  );
  const port = c?.published[COLLECTOR_QUERY_PORT];
  return port ? `http://127.0.0.1:${port}` : undefined;
}

/**
 * Sends `count` requests through the edge to the task's health path, each with a fresh valid
 * `traceparent` (which the edge keeps), then waits (at most `waitMs`) for spans carrying those
 * trace ids to reach the collector.
 */
export async function traceFacts(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  options: { count?: number; waitMs?: number } = {},
): Promise<TraceFacts | undefined> {
  const target = edgeTarget(plan, s.name);
  if (!target || !s.probe) return undefined;
  const variables = Object.entries(s.environment)
    .filter(([, v]) => v.includes(`//${COLLECTOR_SERVICE}:`))
    .map(([k, v]) => `${k}=${v}`);
  const facts: TraceFacts = {
    sent: 0,
    answered: 0,
    spansReceived: 0,
    matched: 0,
    parentMatched: 0,
    variables,
    examples: [],
  };
  const url = await collectorUrl(plan, engine);
  if (!url) return { ...facts, error: 'the trace collector is not running' };
  const since = Date.now() - 1000;
  const sent = new Map<string, string>();
  const client = new EdgeClient(target, 2);
  try {
    for (let i = 0; i < (options.count ?? 20); i++) {
      const traceparent = newTraceparent();
      const [, traceId = '', spanId = ''] = traceparent.split('-');
      sent.set(traceId, spanId);
      facts.sent++;
      try {
        await client.send('GET', s.probe.path, { timeoutMs: 5000, headers: { traceparent } });
        facts.answered++;
      } catch {
        // Counted as not answered; the verdict reports it.
      }
    }
  } finally {
    client.close();
  }
  // Exporters batch (the SDKs' default delay is 5 s): wait until every id is back, or the end.
  const deadline = Date.now() + (options.waitMs ?? 12_000);
  let spans: CollectorSpan[] = [];
  for (;;) {
    try {
      const r = await readSpans(url, since);
      spans = r.spans;
    } catch (err) {
      facts.error = `reading the collector: ${(err as Error).message}`;
      break;
    }
    const seen = new Set(spans.map((x) => x.traceId));
    if ([...sent.keys()].every((id) => seen.has(id)) || Date.now() > deadline) break;
    await sleep(500);
  }
  facts.spansReceived = spans.length;
  const byTrace = new Map<string, CollectorSpan[]>();
  for (const x of spans) byTrace.set(x.traceId, [...(byTrace.get(x.traceId) ?? []), x]);
  for (const [traceId, spanId] of sent) {
    const mine = byTrace.get(traceId) ?? [];
    if (mine.length > 0) facts.matched++;
    if (mine.some((x) => x.parentSpanId === spanId)) facts.parentMatched++;
    if (facts.examples.length < 3)
      facts.examples.push(
        `trace ${traceId}: ${mine.length === 0 ? 'no span' : mine.map((x) => `"${x.name}" from ${x.service || 'an unnamed service'}`).join(', ')}`,
      );
  }
  return facts;
}
