import { finding, needsRunning, type Check } from './judging.js';

/** At least this share of the trace ids sent must come back in spans for a pass. */
export const TRACED_SHARE = 0.9;

/** Profilable: the edge's trace context reaches spans the service exports to the collector. */
export const TRACE_CHECKS: Record<string, Check> = {
  profilable(f) {
    const did =
      "Sent requests through the TLS edge, each with its own W3C traceparent, with the sandbox's OTLP/HTTP collector in the task's variable, and looked for spans carrying those trace ids.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const traced = f.tasks.filter((t) => t.traces);
    if (traced.length === 0)
      return finding(
        'not-applicable',
        did,
        [],
        'no task serves HTTP through the edge, so no request carries a trace',
      );
    const evidence: string[] = [];
    const failed: string[] = [];
    const partial: string[] = [];
    const unread: string[] = [];
    for (const t of traced) {
      const x = t.traces!;
      const name = t.service.name;
      evidence.push(
        `${name}: ${x.sent} request(s) sent with trace ids, ${x.spansReceived} span(s) received by the collector, ${x.matched} trace id(s) matched (${x.parentMatched} with the edge's span as parent)${x.variables.length ? `; ${x.variables.join(', ')}` : ''}`,
        ...x.examples.map((e) => `${name}: ${e}`),
      );
      // A task whose replicas all died answers no trace: that is Compute constrained's finding.
      const down = t.replicas.filter((r) => r.down);
      if (t.replicas.length > 0 && down.length === t.replicas.length)
        unread.push(
          `${name}: not checked, because every replica had died (${down[0]!.down}; see Compute constrained); it is checked once a replica stays up`,
        );
      else if (x.error) {
        evidence.push(`${name}: ${x.error}`);
        unread.push(`${name}: ${x.error}`);
      } else if (x.sent === 0 || x.answered === 0)
        unread.push(`${name}: no request was answered by the edge`);
      else if (x.matched === 0)
        failed.push(
          x.spansReceived === 0
            ? `${name} exported no span to the collector`
            : `none of the ${x.sent} trace ids sent to ${name} came back in the ${x.spansReceived} span(s) received (the incoming traceparent is not honoured)`,
        );
      else if (x.matched < TRACED_SHARE * x.sent)
        partial.push(`${name}: only ${x.matched} of ${x.sent} trace ids came back in spans`);
    }
    if (failed.length > 0) return finding('fail', did, evidence, failed.join('; '));
    if (unread.length > 0) return finding('not-checked', did, evidence, unread.join('; '));
    if (partial.length > 0) return finding('warn', did, evidence, partial.join('; '));
    return finding('pass', did, evidence);
  },
};
