import type { ProfileName } from '../declaration/types.js';

/**
 * A check's verdict. `not-applicable` and `not-checked` always come with the reason; a check
 * that could not run says so rather than passing (DESIGN.md: every verdict can fail).
 */
export type Verdict = 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-checked';

/** MUST covers the document's MUST and MUST NOT; SHOULD its SHOULDs and Best Practices. */
export type Severity = 'MUST' | 'SHOULD';

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

/** What a check found. */
export interface Finding {
  verdict: Verdict;
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

export type Summary = Record<Verdict, number> & { mustFailed: number };

/** The run's facts judged under another profile. */
export interface ProfileJudgement {
  profile: ProfileName;
  summary: Summary;
  /** Requirements whose verdict differs from the run's profile, with the catalogue's note. */
  differences: {
    id: string;
    title: string;
    severity: Severity;
    verdict: Verdict;
    why?: string;
    note?: string;
  }[];
}
