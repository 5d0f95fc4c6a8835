/**
 * The one verdict vocabulary of Rehearsal. A chaos run and a conformance check both judge
 * requirements, and both say it in these words: the same outcomes, the same result type (the
 * `requirement.judged` event), and the same rule for how a run ends (`run.finished`).
 */

/**
 * What a requirement came to. `not-applicable` and `not-checked` always come with the reason; a
 * judgement that could not be made says so rather than passing (DESIGN.md: every verdict can
 * fail). A chaos run that had no action able to decide a verdict says `not-checked` too.
 */
export type Outcome = 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-checked';

export const OUTCOMES: readonly Outcome[] = [
  'pass',
  'fail',
  'warn',
  'not-applicable',
  'not-checked',
];

/** MUST covers the document's MUST and MUST NOT; SHOULD its SHOULDs and Best Practices. */
export type Severity = 'MUST' | 'SHOULD';

/** One requirement judged, with its evidence: what chaos verdicts and checks both produce. */
export interface RequirementVerdict {
  /** Who judged it: a chaos run under traffic, or the conformance checks. */
  source: 'chaos' | 'check';
  /** A chaos verdict's name (`stateless`) or a catalogue id (`dynamically-scalable`). */
  requirement: string;
  title: string;
  severity: Severity;
  outcome: Outcome;
  /** One line: what was seen, or why the outcome is what it is. */
  summary: string;
  /** What was seen, most telling first. */
  evidence: string[];
}

/**
 * How a run ended: a failed MUST is a result, not an error. Exit code 1 when one failed, else 0
 * (../shared/STYLE.md: 1 means "a requirement failed").
 */
export interface RunOutcome {
  judged: number;
  /** The titles of the MUSTs that failed, in the order they were judged. */
  failed: string[];
  exitCode: 0 | 1;
}

export function runOutcome(verdicts: readonly RequirementVerdict[]): RunOutcome {
  const failed = verdicts
    .filter((v) => v.outcome === 'fail' && v.severity === 'MUST')
    .map((v) => v.title);
  return { judged: verdicts.length, failed, exitCode: failed.length > 0 ? 1 : 0 };
}
