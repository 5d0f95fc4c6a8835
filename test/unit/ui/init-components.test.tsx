import { cleanup, render } from 'ink-testing-library';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChoiceInput, moveChoice } from '../../../cli/ui/components/ChoiceInput.js';
import { TextInput, applyEdit } from '../../../cli/ui/components/TextInput.js';
import { AnswersList } from '../../../cli/ui/init/components/AnswersList.js';
import { ComposePreview } from '../../../cli/ui/init/components/ComposePreview.js';
import { FactsPanel } from '../../../cli/ui/init/components/FactsPanel.js';
import { QuestionPrompt } from '../../../cli/ui/init/components/QuestionPrompt.js';
import { ValidationPanel } from '../../../cli/ui/init/components/ValidationPanel.js';
import { imageFacts } from '../../../sandbox/init/image-facts.js';
import { QUESTIONS } from '../../../sandbox/init/questions.js';
import { BARE_DETAILS, REFERENCE_DETAILS } from '../init/fixtures.js';
import { frame, settle } from './helpers.js';

afterEach(() => cleanup());
const WIDTH = 80;
const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('FactsPanel', () => {
  it.each([
    ['the reference image', imageFacts('rehearsal/reference-service:0.1.0', REFERENCE_DETAILS)],
    ['a bare image, with what it lacks', imageFacts('vendor/app', BARE_DETAILS)],
  ])('shows %s within 80 columns', (_name, facts) => {
    const text = frame(render(<FactsPanel facts={facts} width={WIDTH} />).lastFrame());
    expect(text).toMatchSnapshot();
    expect(widest(text)).toBeLessThanOrEqual(WIDTH);
  });
});

function Controlled({ initial, onSubmit }: { initial: string; onSubmit: (v: string) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <TextInput
      value={value}
      onEdit={(edit) => setValue((v) => applyEdit(v, edit))}
      onSubmit={() => onSubmit(value)}
    />
  );
}

describe('TextInput', () => {
  it('types, deletes, clears with Ctrl-U, keeps pasted text, submits on Enter', async () => {
    // Keys sent without waiting for a render in between must all count.
    const onSubmit = vi.fn();
    const { stdin, lastFrame } = render(<Controlled initial="512" onSubmit={onSubmit} />);
    await settle(); // useInput listens once its effect has run
    stdin.write('\u007f'); // backspace
    await settle();
    stdin.write('0');
    await settle();
    await vi.waitFor(() => expect(frame(lastFrame())).toBe('510'));
    stdin.write('\u0015'); // Ctrl-U
    await settle();
    stdin.write('vendor/app:1');
    await settle();
    await vi.waitFor(() => expect(frame(lastFrame())).toBe('vendor/app:1'));
    stdin.write('\r');
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('vendor/app:1'), {
      timeout: 3000,
    });
  });
});

describe('ChoiceInput', () => {
  it('reports moves with the arrows; moveChoice wraps around', async () => {
    const onMove = vi.fn();
    const { stdin, lastFrame } = render(
      <ChoiceInput
        choices={['postgres', 'mariadb', 'redis', 'none'] as const}
        value="none"
        onMove={onMove}
        onSubmit={() => undefined}
      />,
    );
    await settle();
    expect(frame(lastFrame())).toBe(' postgres    mariadb    redis    none');
    stdin.write('\u001B[C'); // →
    await settle();
    expect(onMove).toHaveBeenCalledWith(1);
    expect(moveChoice(['postgres', 'mariadb', 'redis', 'none'], 'none', 1)).toBe('postgres');
    expect(moveChoice(['postgres', 'mariadb', 'redis', 'none'], 'postgres', -1)).toBe('none');
  });
});

describe('QuestionPrompt', () => {
  const memory = QUESTIONS.find((q) => q.key === 'memory')!;
  const database = QUESTIONS.find((q) => q.key === 'database')!;
  it('shows the question, its flag, the answer and its problem', () => {
    const ok = render(
      <QuestionPrompt
        question={memory}
        position={[3, 8]}
        value="512"
        error={undefined}
        onEdit={() => undefined}
        onMove={() => undefined}
        onSubmit={() => undefined}
        width={WIDTH}
      />,
    );
    expect(frame(ok.lastFrame())).toMatchSnapshot();
    const bad = render(
      <QuestionPrompt
        question={memory}
        position={[3, 8]}
        value="12"
        error="the memory limit must be from 16 to 1048576"
        onEdit={() => undefined}
        onMove={() => undefined}
        onSubmit={() => undefined}
        width={WIDTH}
      />,
    );
    expect(frame(bad.lastFrame())).toMatch(/the memory limit must be from 16 to 1048576/);
    const choice = render(
      <QuestionPrompt
        question={database}
        position={[8, 8]}
        value="postgres"
        error={undefined}
        onEdit={() => undefined}
        onMove={() => undefined}
        onSubmit={() => undefined}
        width={WIDTH}
      />,
    );
    expect(frame(choice.lastFrame())).toMatchSnapshot();
  });
});

describe('ValidationPanel', () => {
  const loc = {
    file: '/p/marketplace.json',
    line: 3,
    column: 5,
    pointer: '/configuration/0/task/0/ports/0',
  };
  it.each([
    ['waiting', undefined],
    ['valid', { problems: [], notes: [] }],
    ['valid with a note', { problems: [], notes: ['API_KEY is required and has no value'] }],
    [
      'invalid',
      {
        problems: [
          {
            severity: 'error' as const,
            message: 'port 0 is not a whole number from 1 to 65535',
            location: loc,
          },
        ],
        notes: [],
      },
    ],
  ])('says %s', (_name, check) => {
    expect(
      frame(render(<ValidationPanel check={check} width={WIDTH} />).lastFrame()),
    ).toMatchSnapshot();
  });
});

describe('ComposePreview', () => {
  it('shows a window of the YAML with its position', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n');
    const out = frame(
      render(<ComposePreview text={text} offset={10} height={4} width={WIDTH} />).lastFrame(),
    );
    expect(out).toMatchSnapshot();
    const clamped = frame(
      render(<ComposePreview text={text} offset={99} height={4} width={WIDTH} />).lastFrame(),
    );
    expect(clamped).toMatch(/lines 37-40 of 40/);
  });
});

describe('AnswersList', () => {
  it('lists the answers so far, marking those that came from a flag', () => {
    const out = render(
      <AnswersList
        texts={{ name: 'Ref', sandbox: 'ref', memory: '256' }}
        upTo={3}
        given={{ memory: '256' }}
        width={WIDTH}
      />,
    );
    expect(frame(out.lastFrame())).toMatchSnapshot();
  });
});
