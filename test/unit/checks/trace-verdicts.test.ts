import { describe, expect, it } from 'vitest';
import type { Facts } from '../../../sandbox/checks/facts/types.js';
import type { TraceFacts } from '../../../sandbox/checks/facts/traces.js';
import { TRACE_CHECKS } from '../../../sandbox/checks/trace-checks.js';
import { oneTaskFacts } from './one-task.js';

function facts(traces: TraceFacts | undefined, over: Partial<Facts> = {}): Facts {
  return oneTaskFacts(traces ? { traces } : {}, over);
}

const traces = (over: Partial<TraceFacts> = {}): TraceFacts => ({
  sent: 20,
  answered: 20,
  spansReceived: 20,
  matched: 20,
  parentMatched: 20,
  variables: ['OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318'],
  examples: ['trace 4bf9…: "GET /health" from reference-service'],
  ...over,
});

const profilable = TRACE_CHECKS.profilable!;

describe('Profilable', () => {
  it('passes when the spans carry the trace ids sent through the edge, with the counts as evidence', () => {
    const f = profilable(facts(traces()));
    expect(f.verdict).toBe('pass');
    expect(f.evidence[0]).toBe(
      "api: 20 request(s) sent with trace ids, 20 span(s) received by the collector, 20 trace id(s) matched (20 with the edge's span as parent); OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318",
    );
  });

  it('fails when spans arrive under other trace ids (the traceparent is ignored)', () => {
    const f = profilable(facts(traces({ matched: 0, parentMatched: 0, spansReceived: 20 })));
    expect(f.verdict).toBe('fail');
    expect(f.why).toMatch(/none of the 20 trace ids sent to api came back in the 20 span\(s\)/);
  });

  it('fails when the service exports nothing', () => {
    const f = profilable(facts(traces({ matched: 0, parentMatched: 0, spansReceived: 0 })));
    expect(f).toMatchObject({ verdict: 'fail', why: 'api exported no span to the collector' });
  });

  it('warns when only some trace ids come back', () => {
    expect(profilable(facts(traces({ matched: 10 }))).verdict).toBe('warn');
  });

  it('is not checked when the collector could not be read or the sandbox never ran', () => {
    expect(profilable(facts(traces({ error: 'the trace collector is not running' }))).verdict).toBe(
      'not-checked',
    );
    expect(
      profilable(facts(traces(), { bootstrap: { ok: false, ms: 1, error: 'unhealthy' } })).verdict,
    ).toBe('not-checked');
  });

  it('is not applicable when no task serves HTTP through the edge', () => {
    expect(profilable(facts(undefined)).verdict).toBe('not-applicable');
  });
});
