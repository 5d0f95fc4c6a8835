import type { ChaosRequirement, ChaosVerdict } from '../chaos/verdicts.js';
import type { ChaosFacts, Facts } from './facts/types.js';
import { finding, needsRunning, type Check } from './judging.js';
import type { Finding } from './types.js';

/**
 * The checks the chaos phase decides (sandbox/checks/chaos-phase.ts): its verdicts, per task,
 * become the evidence of Ephemeral, Horizontally scaled, Dynamically scalable and Incorruptible.
 * Without the phase (`--no-chaos`) they say "not checked" and what to run instead.
 */

const NOT_RUN = 'the chaos phase was not run (--no-chaos); `rehearsal chaos` measures it';

/** Each task's verdict on one chaos requirement, or why there is none. */
function verdictsOf(
  f: Facts,
  requirement: ChaosRequirement,
): { task: ChaosFacts; verdict?: ChaosVerdict; why?: string }[] {
  return (f.chaos ?? []).map((task) => {
    if (task.error) return { task, why: `chaos could not run on ${task.service}: ${task.error}` };
    const verdict = task.verdicts?.find((v) => v.requirement === requirement);
    return verdict ? { task, verdict } : { task, why: `no ${requirement} verdict` };
  });
}

const line = (t: ChaosFacts, v: ChaosVerdict) => `${t.service} (${v.requirement}): ${v.summary}`;

/**
 * A finding from chaos verdicts alone: any task failing fails; all passing passes; anything
 * not checked or not run makes it "not checked" with the reason (never a pass by default).
 */
function judgeChaos(f: Facts, did: string, requirement: ChaosRequirement): Finding {
  const waiting = needsRunning(f, did);
  if (waiting) return waiting;
  if (!f.chaos) return finding('not-checked', did, [], NOT_RUN);
  if (f.chaos.length === 0)
    return finding('not-applicable', did, [], 'no HTTP task behind the TLS edge to run chaos on');
  const all = verdictsOf(f, requirement);
  const evidence = all.flatMap(({ task, verdict, why }) =>
    verdict ? [line(task, verdict), ...verdict.evidence] : [why ?? ''],
  );
  const failed = all.filter((x) => x.verdict?.outcome === 'fail');
  if (failed.length > 0)
    return finding('fail', did, evidence, failed.map((x) => line(x.task, x.verdict!)).join('; '));
  const open = all.filter((x) => x.verdict?.outcome !== 'pass');
  if (open.length > 0)
    return finding(
      'not-checked',
      did,
      evidence,
      open.map((x) => x.why ?? `${x.task.service}: ${x.verdict!.summary}`).join('; '),
    );
  return finding('pass', did, evidence);
}

/** The worse of two findings on one requirement, with both sets of evidence. */
export function combine(a: Finding, b: Finding): Finding {
  const rank: Record<Finding['verdict'], number> = {
    fail: 4,
    warn: 3,
    pass: 2,
    'not-applicable': 1,
    'not-checked': 0,
  };
  // A check that ran beats one that could not; among those that ran, the worse verdict wins.
  const ran = (x: Finding) => x.verdict !== 'not-checked';
  const worse = ran(a) && ran(b) ? (rank[b.verdict] > rank[a.verdict] ? b : a) : ran(b) ? b : a;
  const why = [a, b]
    .filter((x) => x.verdict === worse.verdict && x.why)
    .map((x) => x.why)
    .join('; ');
  return {
    verdict: worse.verdict,
    did: [a.did, b.did].filter(Boolean).join(' '),
    evidence: [...a.evidence, ...b.evidence],
    ...(why ? { why } : {}),
  };
}

const scenarioDid = (what: string) =>
  `Under live traffic through the TLS edge, ran the check's chaos scenario (up to instances_maximum, down to instances_minimum, two SIGKILLs during writes, every replica replaced at once) and ${what}.`;

export const CHAOS_CHECKS: Record<string, Check> = {
  incorruptible: (f) =>
    judgeChaos(
      f,
      scenarioDid(
        'read back every acknowledged write afterwards: none may be lost or duplicated, and the service must recover without repair',
      ),
      'incorruptible',
    ),

  'dynamically-scalable'(f) {
    const did = scenarioDid(
      'timed when each new replica took traffic, counted requests failed by each drained scale-down and presented sessions issued by one replica to the others',
    );
    // Sessions are checked by the traffic phase too, with or without chaos: a token one replica
    // issued and another refused means every scale action logs users out.
    const refusedNow = sessionRefusals(f);
    const scalable = judgeChaos(f, did, 'scalable');
    const stateless = f.chaos ? judgeChaos(f, '', 'stateless') : undefined;
    const evidence = [...refusedNow.evidence, ...scalable.evidence, ...(stateless?.evidence ?? [])];
    const sticky = [
      ...refusedNow.problems,
      ...(stateless?.verdict === 'fail' && stateless.why ? [stateless.why] : []),
    ];
    if (sticky.length > 0)
      return finding(
        'fail',
        did,
        evidence,
        `sessions are tied to the replica that issued them (${sticky.join('; ')}); the platform scales replicas up and down at any time and offers no sticky sessions: keep sessions in signed tokens (JWT) or the database`,
      );
    // One fault, two requirements: a replica that ignores SIGTERM also breaks drained
    // scale-downs. Both fail, and the reader is told which verdict follows from which.
    const ignored = f.tasks.filter((t) => t.stop?.killed).map((t) => t.stop!.replica);
    if (scalable.verdict === 'fail' && ignored.length > 0)
      return {
        ...scalable,
        evidence,
        why: `${scalable.why ?? ''}; this follows from Stoppable (${ignored.join(', ')} ignored SIGTERM until killed): fix that first`,
      };
    return { ...scalable, evidence };
  },
};

/** Sessions the check's traffic phase saw refused by a replica that had not issued them. */
function sessionRefusals(f: Facts): { evidence: string[]; problems: string[] } {
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const t of f.tasks) {
    const s = t.traffic?.sessions;
    if (!s) continue;
    evidence.push(
      `${t.service.name}: ${s.checks} session check(s) through the edge, ${s.byOtherReplica} at another replica than the issuer, ${s.refused} refused there`,
    );
    if (s.refused > 0)
      problems.push(
        `${t.service.name}: ${s.refused} of ${s.byOtherReplica} session checks at another replica were refused (${s.examples[0] ?? ''})`,
      );
  }
  return { evidence, problems };
}

/** Ephemeral under chaos: data acknowledged before every replica was replaced is still there. */
export const chaosEphemeral: Check = (f) =>
  f.chaos
    ? judgeChaos(f, scenarioDid('read back the data written before the replacement'), 'ephemeral')
    : finding('not-checked', '', [`chaos: ${NOT_RUN}`], NOT_RUN);

/** Horizontally scaled at the declared bounds: the scale actions to maximum and minimum held. */
export const chaosBounds: Check = (f) => {
  const did =
    'Scaled each HTTP task to its declared instances_maximum and instances_minimum under traffic and waited for every replica to be healthy and serving.';
  if (!f.chaos) return finding('not-checked', '', [`chaos: ${NOT_RUN}`], NOT_RUN);
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const t of f.chaos) {
    if (t.error) {
      problems.push(`chaos could not run on ${t.service}: ${t.error}`);
      continue;
    }
    for (const a of (t.actions ?? []).filter((x) => x.text.includes('scale to'))) {
      evidence.push(
        `${t.service}: ${a.text.replace(/^#\d+ at [\d.]+ s: /, '')} — ${a.detail}; healed in ${(a.recoveredMs / 1000).toFixed(1)} s, ${a.failedRequests} request(s) failed meanwhile`,
      );
      if (!a.ok) problems.push(`${t.service}: ${a.detail}`);
    }
    const served = Object.entries(t.traffic?.replicas ?? {}).filter(([, n]) => n > 0).length;
    if (t.bounds)
      evidence.push(
        `${t.service}: ${served} distinct replica(s) served traffic during the chaos phase (declared ${t.bounds.min}..${t.bounds.max})`,
      );
  }
  return problems.length > 0
    ? finding('fail', did, [...evidence, ...problems], problems.join('; '))
    : finding('pass', did, evidence);
};
