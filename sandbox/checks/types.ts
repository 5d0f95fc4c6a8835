import type { ProfileName } from '../declaration/types.js';
import type { Outcome, RequirementVerdict, Severity } from '../verdict.js';

export type { Severity } from '../verdict.js';

/** One requirement of the packaging document, as the catalogue states it. */
export interface Requirement {
  id: string;
  title: string;
  /** The requirement in the document's own words. */
  words: string;
  severity: Severity;
  /** Why the requirement matters (trainers teach from this text). */
  matters: string;
  /** How to fix a failure. */
  fix: string;
  /** How the profiles differ on this requirement, when they do. */
  profiles?: Partial<Record<ProfileName, string>>;
}

/**
 * What a check found. The report keeps the outcome under `verdict` (report.json's shape,
 * `rehearsal-check/1`); `checkVerdict` gives it as the shared `RequirementVerdict`.
 */
export interface Finding {
  verdict: Outcome;
  /** What the check did, in one or two sentences. */
  did: string;
  /** The evidence: measured values, commands and their output, file paths. */
  evidence: string[];
  /** Why the verdict: the reason for fail, warn, not applicable or not checked. */
  why?: string;
}

/** A requirement with its finding: one line of the report. */
export interface CheckResult extends Requirement, Finding {
  ms: number;
}

/** A check's result in the vocabulary every verdict shares. */
export function checkVerdict(r: CheckResult): RequirementVerdict {
  return {
    source: 'check',
    requirement: r.id,
    title: r.title,
    severity: r.severity,
    outcome: r.verdict,
    summary: r.why ?? r.did,
    evidence: r.evidence,
  };
}

export interface Report {
  /** JSON schema version of this report. */
  schema: 'rehearsal-check/1';
  tool: { name: 'rehearsal'; version: string };
  product: string;
  declaration: { file: string; sha256: string };
  profile: ProfileName;
  sandbox: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  results: CheckResult[];
  summary: Summary;
  /** The same facts judged under every other profile, and where the verdicts differ. */
  profiles?: ProfileJudgement[];
  /** Samples for the HTML report's timeline. */
  timeline: TimelineSample[];
}

/** One point of the run's timeline (traffic and memory) or an action on it. */
export type TimelineSample =
  | { at: number; kind: 'traffic'; ok: number; failed: number; p99Ms: number }
  | { at: number; kind: 'memory'; container: string; bytes: number; limitBytes: number }
  | { at: number; kind: 'action'; text: string };

export type Summary = Record<Outcome, number> & { mustFailed: number };

/** The run's facts judged under another profile. */
export interface ProfileJudgement {
  profile: ProfileName;
  summary: Summary;
  /** Requirements whose verdict differs from the run's profile, with the catalogue's note. */
  differences: {
    id: string;
    title: string;
    severity: Severity;
    verdict: Outcome;
    why?: string;
    note?: string;
  }[];
}
