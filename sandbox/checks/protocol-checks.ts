/**
 * Checks decided by journeys derived from a standard protocol the service publishes (CDS Hooks
 * discovery): its answers validated against the protocol's schema are Programmatically
 * verifiable's evidence, and the data verdicts say why chaos cannot decide them.
 */
import type { Facts, TaskFacts } from './facts/types.js';
import { combine } from './chaos-checks.js';
import { finding, type Check } from './judging.js';
import type { Finding } from './types.js';

const DID =
  "Called every service the task's CDS Hooks discovery lists, as a CDS Client would (hook, hookInstance, context and the prefetch its own templates ask for), through the TLS edge, and validated each answer against the CDS Hooks 2.0 schema (cards: summary, indicator, source, suggestions, links…).";

/** Tasks whose journeys were derived from a protocol and whose answers were validated. */
const exercised = (f: Facts): TaskFacts[] => f.tasks.filter((t) => t.traffic?.conformance);

/** The derived suite's finding: pass when every answer conforms and every service answered. */
function protocolFinding(tasks: TaskFacts[]): Finding {
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const t of tasks) {
    const tr = t.traffic!;
    const c = tr.conformance!;
    evidence.push(`${t.service.name}: ${tr.derivedFrom ?? 'derived journeys'}`);
    evidence.push(
      `${t.service.name}: ${c.checked - c.invalid}/${c.checked} answers conform to ${c.protocol}; journeys ${tr.journeys?.join(', ') ?? 'none'}`,
    );
    evidence.push(...c.examples.slice(0, 5).map((x) => `  ${x}`));
    if (c.invalid > 0)
      problems.push(
        `${c.invalid} of ${c.checked} ${c.protocol} answers of ${t.service.name} do not conform (${c.examples[0] ?? ''})`,
      );
    const silent = (tr.journeys ?? []).filter((j) => / 0\/[1-9]\d*$/.test(j));
    if (silent.length > 0)
      problems.push(`${t.service.name}: no call of ${silent.join(', ')} succeeded`);
  }
  return problems.length > 0
    ? finding('fail', DID, evidence, problems.join('; '))
    : finding('pass', DID, evidence);
}

/**
 * Programmatically verifiable with a derived protocol suite: the suite alone when no smoke test
 * is declared (Rehearsal exercised the declared capability through its standard API), else the
 * worse of the two.
 */
export function withProtocolSuite(smoke: Check): Check {
  return (f) => {
    const tasks = exercised(f);
    if (tasks.length === 0) return smoke(f);
    const suite = protocolFinding(tasks);
    return f.tasks.some((t) => t.smoke) ? combine(smoke(f), suite) : suite;
  };
}

/**
 * A data verdict chaos left untested on a task whose only journeys are CDS Hooks calls: not
 * applicable, since a hook call acknowledges nothing the service keeps and the protocol offers
 * no way to read anything back; other tasks keep chaos's finding.
 */
export function cdsDataNotApplicable(chaos: Check): Check {
  return (f) => {
    const found = chaos(f);
    const cds = (f.chaos ?? []).filter(
      (c) => c.traffic?.origin === 'cds-hooks' && c.traffic.acknowledgedWrites === 0,
    );
    if (found.verdict !== 'not-checked' || cds.length === 0 || cds.length !== f.chaos?.length)
      return found;
    return finding(
      'not-applicable',
      found.did,
      found.evidence,
      `${cds.map((c) => c.service).join(', ')} ${cds.length === 1 ? 'is a CDS Hooks service' : 'are CDS Hooks services'} with no declared write journey: a hook call is answered from its request (context and prefetch) and acknowledges nothing kept, and CDS Hooks gives a client no way to read back what a service keeps (feedback is acknowledged, never read back), so there is no acknowledged data to lose or duplicate. A service that keeps data through another API: declare traffic.journeys with write: in rehearsal.yaml`,
    );
  };
}
