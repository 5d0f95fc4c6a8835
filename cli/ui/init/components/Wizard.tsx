import { Box, Static, Text, useInput } from 'ink';
import { useEffect, useMemo, useReducer, useState, type Dispatch } from 'react';
import { AbortedError } from '../../../../sandbox/errors.js';
import type { ProposalCheck } from '../../../../sandbox/init/check.js';
import type { ImageFacts } from '../../../../sandbox/init/image-facts.js';
import { propose, type Proposal } from '../../../../sandbox/init/propose.js';
import { QUESTIONS, type InitAnswers } from '../../../../sandbox/init/questions.js';
import { TextInput } from '../../components/TextInput.js';
import { useComplete } from '../../lifecycle.js';
import { useTerminalSize } from '../../use-terminal-size.js';
import {
  candidateAnswers,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from '../wizard-state.js';
import { AnswersList } from './AnswersList.js';
import { ComposePreview } from './ComposePreview.js';
import { FactsPanel } from './FactsPanel.js';
import { QuestionPrompt } from './QuestionPrompt.js';
import { ValidationPanel } from './ValidationPanel.js';

/** What the wizard may have done; the command binds these to the engine and the file system. */
export interface WizardServices {
  inspect(image: string, onProgress: (text: string) => void): Promise<ImageFacts>;
  check(proposal: Proposal): Promise<ProposalCheck>;
  existing(proposal: Proposal): Promise<string[]>;
  write(proposal: Proposal, force: boolean): Promise<string[]>;
}

export interface WizardResult {
  written: string[];
}

/** Time to wait after a key press before validating the files again. */
const CHECK_DEBOUNCE_MS = 200;

/**
 * `rehearsal init` in a terminal: the image, what it says about itself, one question at a time
 * (each answer checked as it is typed, and the files it would produce validated by the real
 * reader), the compose preview, then the files, never replacing one without asking.
 */
export function Wizard({
  initial,
  services,
  dir,
}: {
  initial: WizardState;
  services: WizardServices;
  dir: string;
}) {
  const [s, dispatch] = useReducer(wizardReducer, initial);
  const [offset, setOffset] = useState(0);
  const complete = useComplete<WizardResult>();
  const { columns, rows } = useTerminalSize();
  const width = Math.max(20, columns);
  const answers = useMemo(() => candidateAnswers(s), [s]);
  const answersKey = answers ? JSON.stringify(answers) : '';

  useInspection(s, services, dispatch);
  useLiveCheck(answers, answersKey, s.facts, services, dispatch);

  useEffect(() => {
    if (s.step !== 'writing' || !answers || !s.facts) return;
    services.write(propose(s.facts, answers), s.existing.length > 0).then(
      (written) => complete({ value: { written } }),
      (err: unknown) => complete({ error: err as Error }),
    );
    // Writing happens once, when the step is entered.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [s.step]);

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return complete({ error: new AbortedError('init cancelled') });
    if (key.escape) return dispatch({ type: 'back' });
    if (s.step === 'preview') {
      if (key.upArrow) setOffset((o) => Math.max(0, o - 1));
      if (key.downArrow) setOffset((o) => o + 1);
      if (key.pageUp) setOffset((o) => Math.max(0, o - 10));
      if (key.pageDown) setOffset((o) => o + 10);
      if ((key.return || input === 'y') && answers && s.facts && s.check?.compose) {
        const proposal = propose(s.facts, answers);
        services.existing(proposal).then(
          (existing) => dispatch({ type: 'preview.confirm', existing }),
          (err: unknown) => complete({ error: err as Error }),
        );
      }
    } else if (s.step === 'overwrite') {
      if (input === 'y') dispatch({ type: 'write' });
      if (input === 'n') dispatch({ type: 'overwrite.decline' });
    }
  });

  const question = QUESTIONS[s.index];
  const open = QUESTIONS.filter((q) => s.given[q.key] === undefined);
  return (
    <>
      <Static items={s.facts ? [s.facts] : []}>
        {(f) => (
          <Box key="facts" marginBottom={1}>
            <FactsPanel facts={f} width={width} />
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {s.step === 'image' ? <ImageQuestion s={s} dispatch={dispatch} /> : null}
        {s.step === 'inspecting' ? (
          <Text wrap="truncate" color="yellow">
            … inspecting {s.image}
            {s.progress ? <Text dimColor> · {s.progress}</Text> : null}
          </Text>
        ) : null}
        {s.step === 'ask' || s.step === 'preview' || s.step === 'overwrite' ? (
          <AnswersList texts={s.texts} upTo={s.index} given={s.given} width={width} />
        ) : null}
        {s.step === 'ask' && question ? (
          <QuestionPrompt
            question={question}
            position={[open.indexOf(question) + 1, open.length]}
            value={s.texts[question.key] ?? ''}
            error={s.error}
            onEdit={(edit) => dispatch({ type: 'answer.edit', edit })}
            onMove={(delta) => dispatch({ type: 'answer.move', delta })}
            onSubmit={() => dispatch({ type: 'answer.submit' })}
            width={width}
          />
        ) : null}
        {s.step !== 'image' && s.step !== 'inspecting' ? (
          <Box marginTop={1}>
            <ValidationPanel check={s.check} width={width} />
          </Box>
        ) : null}
        {(s.step === 'preview' || s.step === 'overwrite') && s.check?.compose ? (
          <ComposePreview
            text={s.check.compose}
            offset={offset}
            height={Math.max(5, rows - QUESTIONS.length - 12)}
            width={width}
          />
        ) : null}
        <Footer s={s} dir={dir} />
      </Box>
    </>
  );
}

/** The first step: the image to describe. */
function ImageQuestion({ s, dispatch }: { s: WizardState; dispatch: Dispatch<WizardAction> }) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">?</Text> <Text bold>Image to describe</Text>{' '}
        <Text dimColor>(--image)</Text>
      </Text>
      <Box>
        <Text>{'  '}</Text>
        <TextInput
          value={s.image}
          onEdit={(edit) => dispatch({ type: 'image.edit', edit })}
          onSubmit={() => dispatch({ type: 'image.submit' })}
        />
      </Box>
      {s.imageError ? (
        <Text color="red" wrap="wrap">
          {'  '}
          {s.imageError}
        </Text>
      ) : null}
    </Box>
  );
}

/** The last line: what enter does on the preview, the overwrite question, or the writing. */
function Footer({ s, dir }: { s: WizardState; dir: string }) {
  if (s.step === 'preview')
    return (
      <Text wrap="truncate" dimColor={!s.check?.compose}>
        {s.check?.compose
          ? `enter writes marketplace.json and rehearsal.yaml to ${dir} · esc back · ctrl-c cancels`
          : 'fix the problems above first: esc goes back to the answers'}
      </Text>
    );
  if (s.step === 'overwrite')
    return (
      <Text wrap="truncate" color="yellow">
        {s.existing.join(' and ')} already {s.existing.length === 1 ? 'exists' : 'exist'} in {dir}.
        Replace? <Text color="cyan">y</Text> yes · <Text color="cyan">n</Text> no
      </Text>
    );
  if (s.step === 'writing') return <Text color="yellow">… writing</Text>;
  return null;
}

/** Inspects the image when the step is entered; a late answer of an abandoned one is dropped. */
function useInspection(s: WizardState, services: WizardServices, dispatch: Dispatch<WizardAction>) {
  useEffect(() => {
    if (s.step !== 'inspecting') return;
    let live = true;
    services
      .inspect(s.image, (text) => live && dispatch({ type: 'inspect.progress', text }))
      .then(
        (facts) => live && dispatch({ type: 'inspect.done', facts }),
        (err: unknown) =>
          live && dispatch({ type: 'inspect.failed', error: (err as Error).message }),
      );
    return () => {
      live = false;
    };
  }, [s.step, s.image, services, dispatch]);
}

/** Validates the files the answers would produce, a moment after the last key press. */
function useLiveCheck(
  answers: InitAnswers | undefined,
  answersKey: string,
  facts: ImageFacts | undefined,
  services: WizardServices,
  dispatch: Dispatch<WizardAction>,
) {
  useEffect(() => {
    if (!answers || !facts) return;
    let live = true;
    const timer = setTimeout(() => {
      services.check(propose(facts, answers)).then(
        (check) => live && dispatch({ type: 'check.done', check }),
        (err: unknown) =>
          live &&
          dispatch({
            type: 'check.done',
            check: { problems: [], notes: [`cannot check: ${(err as Error).message}`] },
          }),
      );
    }, CHECK_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // answersKey stands for answers: a new object with the same content needs no new check.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [answersKey, facts, services, dispatch]);
}
