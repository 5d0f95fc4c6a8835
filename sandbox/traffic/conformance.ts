/**
 * Answers checked against the protocol a derived journey speaks (CDS Hooks 2.0): every answer
 * with an expected status is validated; a non-conforming one is counted here, apart from HTTP
 * failures, so it decides the protocol's verdict and not the availability ones.
 */
import type { JourneyDeclaration } from '../declaration/types.js';
import { cardProblems, discoveryProblems } from './cds/schema.js';

const VALIDATE: Record<NonNullable<JourneyDeclaration['conforms']>, (doc: unknown) => string[]> = {
  'cds-hooks-discovery': discoveryProblems,
  'cds-hooks-response': cardProblems,
};

/** One non-conforming answer: which journey, which replica, what was wrong. */
export interface NonConforming {
  journey: string;
  replica?: string;
  problems: string[];
}

const MAX_EXAMPLES = 10;

export class ConformanceTally {
  checked = 0;
  invalid = 0;
  /** The first few non-conforming answers (evidence). */
  readonly examples: NonConforming[] = [];

  /** Validates one answer of a journey that declares `conforms`. */
  record(journey: JourneyDeclaration, body: string, replica?: string): void {
    if (!journey.conforms) return;
    this.checked++;
    let problems: string[];
    try {
      problems = VALIDATE[journey.conforms](JSON.parse(body));
    } catch {
      problems = ['/: the answer is not JSON'];
    }
    if (problems.length === 0) return;
    this.invalid++;
    if (this.examples.length < MAX_EXAMPLES)
      this.examples.push({
        journey: journey.name,
        ...(replica ? { replica } : {}),
        problems: problems.slice(0, 5),
      });
  }
}
