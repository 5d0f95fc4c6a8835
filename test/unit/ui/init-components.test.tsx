import { cleanup, render } from 'ink-testing-library';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChoiceInput } from '../../../cli/ui/components/ChoiceInput.js';
import { TextInput } from '../../../cli/ui/components/TextInput.js';
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
  return <TextInput value={value} onChange={setValue} onSubmit={() => onSubmit(value)} />;
}

describe('TextInput', () => {
  it('types, deletes, clears with Ctrl-U, keeps pasted text, submits on Enter', async () => {
    const onSubmit = vi.fn();
    const { stdin, lastFrame } = render(<Controlled initial="512" onSubmit={onSubmit} />);
    stdin.write('\u007f'); // backspace
    await settle();
    stdin.write('0');
    await settle();
    expect(frame(lastFrame())).toBe('510');
    stdin.write('\u0015'); // Ctrl-U
    await settle();
    stdin.write('vendor/app:1');
    await settle();
    stdin.write('\r');
    await settle();
    expect(onSubmit).toHaveBeenCalledWith('vendor/app:1');
  });
});

describe('ChoiceInput', () => {
  it('moves with the arrows and wraps around', async () => {
    const onChange = vi.fn();
    const { stdin, lastFrame } = render(
      <ChoiceInput
        choices={['postgres', 'mariadb', 'redis', 'none'] as const}
        value="none"
        onChange={onChange}
        onSubmit={() => undefined}
      />,
    );
    expect(frame(lastFrame())).toBe(' postgres    mariadb    redis    none');
    stdin.write('\u001B[C'); // →
    await settle();
    expect(onChange).toHaveBeenCalledWith('postgres');
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
        onChange={() => undefined}
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
        onChange={() => undefined}
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
        onChange={() => undefined}
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
