import { UserError } from '../../../sandbox/errors.js';
import { answersFromFlags, type GivenAnswers } from '../../../sandbox/init/answers.js';
import type { ProposalCheck } from '../../../sandbox/init/check.js';
import type { ImageFacts } from '../../../sandbox/init/image-facts.js';
import { QUESTIONS, type InitAnswers } from '../../../sandbox/init/questions.js';
import { moveChoice } from '../components/ChoiceInput.js';
import { applyEdit, type TextEdit } from '../components/TextInput.js';

export type WizardStep = 'image' | 'inspecting' | 'ask' | 'preview' | 'overwrite' | 'writing';

/** Everything the wizard shows; `texts` holds each answer as typed, flags included. */
export interface WizardState {
  step: WizardStep;
  image: string;
  imageError?: string;
  progress?: string;
  facts?: ImageFacts;
  /** Index into QUESTIONS of the question on screen. */
  index: number;
  texts: GivenAnswers;
  /** Questions answered by a flag: never asked. */
  given: GivenAnswers;
  /** The current answer's problem, as typed. */
  error?: string;
  check?: ProposalCheck;
  existing: string[];
  extraVariables: InitAnswers['extraVariables'];
}

export type WizardAction =
  | { type: 'image.edit'; edit: TextEdit }
  | { type: 'image.submit' }
  | { type: 'inspect.progress'; text: string }
  | { type: 'inspect.done'; facts: ImageFacts }
  | { type: 'inspect.failed'; error: string }
  | { type: 'answer.edit'; edit: TextEdit }
  | { type: 'answer.move'; delta: number }
  | { type: 'answer.submit' }
  | { type: 'back' }
  | { type: 'check.done'; check: ProposalCheck }
  | { type: 'preview.confirm'; existing: string[] }
  | { type: 'overwrite.decline' }
  | { type: 'write' };

export function initialWizard(
  image: string | undefined,
  given: GivenAnswers,
  extraVariables: InitAnswers['extraVariables'] = [],
): WizardState {
  return {
    step: image ? 'inspecting' : 'image',
    image: image ?? '',
    index: 0,
    texts: { ...given },
    given,
    existing: [],
    extraVariables,
  };
}

/** The next question not answered by a flag, from `from` on; QUESTIONS.length when none. */
function nextOpen(s: WizardState, from: number): number {
  let i = from;
  while (i < QUESTIONS.length && s.given[QUESTIONS[i]!.key] !== undefined) i++;
  return i;
}

function previousOpen(s: WizardState, from: number): number {
  let i = from;
  while (i >= 0 && s.given[QUESTIONS[i]!.key] !== undefined) i--;
  return i;
}

/** Answers parsed so far, in order, up to (not including) question `upTo`. */
export function answersSoFar(s: WizardState, upTo: number): Partial<InitAnswers> {
  let so: Partial<InitAnswers> = { image: s.image };
  for (const q of QUESTIONS.slice(0, upTo)) {
    const parsed = q.parse(s.texts[q.key] ?? '', so);
    if (parsed.ok) so = { ...so, ...parsed.answer };
  }
  return so;
}

/** Every answer, the open ones proposed: what the files would say if the user accepted now. */
export function candidateAnswers(s: WizardState): InitAnswers | undefined {
  if (!s.facts) return undefined;
  try {
    return answersFromFlags(s.facts, s.texts, { yes: true, extraVariables: s.extraVariables });
  } catch (err) {
    // The answer being typed is not valid yet; its own error is already on screen.
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

function ask(s: WizardState, index: number): WizardState {
  if (!s.facts) return s;
  if (index >= QUESTIONS.length) return { ...s, step: 'preview', index, error: undefined };
  const q = QUESTIONS[index]!;
  const text = s.texts[q.key] ?? q.proposal(s.facts, answersSoFar(s, index)) ?? '';
  const parsed = q.parse(text, answersSoFar(s, index));
  return {
    ...s,
    step: 'ask',
    index,
    texts: { ...s.texts, [q.key]: text },
    error: text === '' || parsed.ok ? undefined : parsed.error,
  };
}

/** The wizard's steps: image → inspecting → one question at a time → preview → write. */
export function wizardReducer(s: WizardState, a: WizardAction): WizardState {
  switch (a.type) {
    case 'image.edit':
      return { ...s, image: applyEdit(s.image, a.edit), imageError: undefined };
    case 'image.submit':
      return s.image.trim() === ''
        ? { ...s, imageError: 'type the image to describe, e.g. vendor/service:1.0' }
        : { ...s, step: 'inspecting', progress: undefined };
    case 'inspect.progress':
      return { ...s, progress: a.text };
    case 'inspect.done':
      return ask({ ...s, facts: a.facts, image: a.facts.image }, nextOpen(s, 0));
    case 'inspect.failed':
      return { ...s, step: 'image', imageError: a.error };
    case 'answer.edit':
    case 'answer.move': {
      const q = QUESTIONS[s.index];
      if (!q || s.step !== 'ask') return s;
      const current = s.texts[q.key] ?? '';
      const text =
        a.type === 'answer.edit'
          ? applyEdit(current, a.edit)
          : q.choices
            ? moveChoice(q.choices, current, a.delta)
            : current;
      const parsed = q.parse(text, answersSoFar(s, s.index));
      return {
        ...s,
        texts: { ...s.texts, [q.key]: text },
        error: parsed.ok ? undefined : parsed.error,
      };
    }
    case 'answer.submit': {
      const q = QUESTIONS[s.index];
      if (!q || s.step !== 'ask') return s;
      const parsed = q.parse(s.texts[q.key] ?? '', answersSoFar(s, s.index));
      if (!parsed.ok) return { ...s, error: parsed.error };
      return ask(s, nextOpen(s, s.index + 1));
    }
    case 'back': {
      if (s.step === 'overwrite') return { ...s, step: 'preview' };
      const from = s.step === 'preview' ? QUESTIONS.length - 1 : s.index - 1;
      const i = previousOpen(s, from);
      return s.step === 'image' || s.step === 'inspecting' || i < 0 ? s : ask(s, i);
    }
    case 'check.done':
      return { ...s, check: a.check };
    case 'preview.confirm':
      return a.existing.length > 0
        ? { ...s, step: 'overwrite', existing: a.existing }
        : { ...s, step: 'writing', existing: [] };
    case 'overwrite.decline':
      return { ...s, step: 'preview' };
    case 'write':
      return { ...s, step: 'writing' };
  }
}
