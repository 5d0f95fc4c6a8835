import { UserError } from '../errors.js';
import type { ImageFacts } from './image-facts.js';
import { QUESTIONS, type InitAnswers, type QuestionKey } from './questions.js';

export type GivenAnswers = Partial<Record<QuestionKey, string>>;

/**
 * Answers every question without asking: from its flag, else (with `--yes`) from the proposal.
 * Without a terminal nothing can be asked, so a question left open fails, naming every flag
 * still needed at once, rather than waiting for input that never comes.
 *
 * @throws UserError for an invalid flag value, or for answers that are missing.
 */
export function answersFromFlags(
  facts: ImageFacts,
  given: GivenAnswers,
  options: { yes: boolean; extraVariables?: InitAnswers['extraVariables'] },
): InitAnswers {
  let so: Partial<InitAnswers> = { image: facts.image };
  const missing: string[] = [];
  for (const q of QUESTIONS) {
    const flagged = given[q.key];
    const proposal = q.proposal(facts, so);
    const text = flagged ?? (options.yes ? proposal : undefined);
    if (text === undefined) {
      missing.push(proposal === undefined ? q.flag : `${q.flag} (proposed: ${proposal})`);
      continue;
    }
    const parsed = q.parse(text, so);
    if (!parsed.ok) {
      const flag = q.flag.split(' ')[0];
      throw new UserError(`${flag} ${JSON.stringify(text)}: ${parsed.error}`, {
        hint:
          flagged === undefined
            ? `The proposal from the image does not fit; pass \`${q.flag}\`.`
            : `Pass a value that fits: \`${q.flag}\`.`,
      });
    }
    so = { ...so, ...parsed.answer };
  }
  if (missing.length > 0) {
    const yes = options.yes;
    throw new UserError(
      `init cannot ask without a terminal; ${missing.length === 1 ? 'this answer is' : 'these answers are'} missing: ${missing.join(', ')}`,
      {
        hint: yes
          ? `The image does not suggest ${missing.length === 1 ? 'it' : 'them'}: pass ${missing.map((m) => `\`${m.split(' (')[0]}\``).join(' and ')}.`
          : 'Pass each `--flag`, or `--yes` to accept the proposed answers.',
      },
    );
  }
  return {
    ...(so as Omit<InitAnswers, 'extraVariables'>),
    extraVariables: options.extraVariables ?? [],
  };
}

/** Parses `--var KEY` (required, no default) or `--var KEY=DEFAULT`. */
export function parseVariableFlag(text: string): InitAnswers['extraVariables'][number] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) {
    throw new UserError(`--var ${JSON.stringify(text)}: "${key}" is not a variable name`, {
      hint: 'Use upper-case letters, digits and "_" (the later profile requires it): --var API_KEY or --var LOG_LEVEL=info.',
    });
  }
  return eq < 0 ? { key } : { key, default: text.slice(eq + 1) };
}
