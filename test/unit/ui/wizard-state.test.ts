import { describe, expect, it } from 'vitest';
import {
  candidateAnswers,
  initialWizard,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from '../../../cli/ui/init/wizard-state.js';
import { imageFacts } from '../../../sandbox/init/image-facts.js';
import { REFERENCE_DETAILS } from '../init/fixtures.js';

const facts = imageFacts('rehearsal/reference-service:0.1.0', REFERENCE_DETAILS);
const run = (s: WizardState, actions: WizardAction[]) => actions.reduce(wizardReducer, s);

describe('wizardReducer', () => {
  it('asks for the image when no flag gave it, and refuses an empty one', () => {
    let s = initialWizard(undefined, {});
    expect(s.step).toBe('image');
    s = run(s, [{ type: 'image.submit' }]);
    expect(s.imageError).toMatch(/type the image/);
    s = run(s, [
      { type: 'image.edit', edit: { kind: 'append', text: 'vendor/x:1' } },
      { type: 'image.submit' },
    ]);
    expect(s.step).toBe('inspecting');
    s = run(s, [{ type: 'inspect.failed', error: 'cannot pull image vendor/x:1' }]);
    expect(s).toMatchObject({ step: 'image', imageError: 'cannot pull image vendor/x:1' });
  });

  it('asks the questions no flag answered, each prefilled with the proposal', () => {
    let s = run(
      initialWizard('rehearsal/reference-service:0.1.0', { sandbox: 'mine', memory: '256' }),
      [{ type: 'inspect.done', facts }],
    );
    expect(s).toMatchObject({
      step: 'ask',
      index: 0,
      texts: { name: 'Rehearsal Reference Patient Service' },
    });
    s = run(s, [{ type: 'answer.submit' }]);
    expect(s.index).toBe(3); // sandbox and memory came from flags
    expect(s.texts.instancesMin).toBe('2');
  });

  it('checks an answer as it is typed and will not move on while it is wrong', () => {
    let s = run(initialWizard('img', { name: 'N', sandbox: 's' }), [
      { type: 'inspect.done', facts },
    ]);
    expect(s.index).toBe(2); // memory
    s = run(s, [
      { type: 'answer.edit', edit: { kind: 'clear' } },
      { type: 'answer.edit', edit: { kind: 'append', text: '12' } },
    ]);
    expect(s.error).toMatch(/from 16 to/);
    expect(candidateAnswers(s)).toBeUndefined();
    s = run(s, [{ type: 'answer.submit' }]);
    expect(s.index).toBe(2);
    s = run(s, [
      { type: 'answer.edit', edit: { kind: 'append', text: '00' } },
      { type: 'answer.submit' },
    ]);
    expect(s).toMatchObject({ index: 3, error: undefined });
    expect(candidateAnswers(s)).toMatchObject({ memory: 1200, instancesMax: 6, database: 'none' });
  });

  it('goes back with esc, skipping flag answers, and reaches the preview after the last question', () => {
    let s = run(initialWizard('img', { memory: '300' }), [{ type: 'inspect.done', facts }]);
    s = run(
      s,
      Array.from({ length: 7 }, () => ({ type: 'answer.submit' }) as const),
    );
    expect(s.step).toBe('preview');
    s = run(s, [{ type: 'back' }]);
    expect(s).toMatchObject({ step: 'ask', index: 7 });
    s = run(s, [
      { type: 'back' },
      { type: 'back' },
      { type: 'back' },
      { type: 'back' },
      { type: 'back' },
    ]);
    expect(s.index).toBe(1); // index 2 (memory) was given by a flag
  });

  it('asks before replacing existing files, and writes only after yes', () => {
    let s = run(initialWizard('img', {}), [{ type: 'inspect.done', facts }]);
    s = run(
      s,
      Array.from({ length: 8 }, () => ({ type: 'answer.submit' }) as const),
    );
    s = run(s, [{ type: 'preview.confirm', existing: ['marketplace.json'] }]);
    expect(s.step).toBe('overwrite');
    s = run(s, [{ type: 'overwrite.decline' }]);
    expect(s.step).toBe('preview');
    s = run(s, [{ type: 'preview.confirm', existing: ['marketplace.json'] }, { type: 'write' }]);
    expect(s.step).toBe('writing');
    const fresh = run(initialWizard('img', {}), [
      { type: 'inspect.done', facts },
      ...Array.from({ length: 8 }, () => ({ type: 'answer.submit' }) as const),
      { type: 'preview.confirm', existing: [] },
    ]);
    expect(fresh.step).toBe('writing');
  });

  it('moves through the database choices with the arrows', () => {
    let s = run(
      initialWizard('img', {
        name: 'N',
        sandbox: 's',
        memory: '1',
        instancesMin: '2',
        instancesMax: '3',
        port: '1',
        healthPath: '/',
      }),
      [{ type: 'inspect.done', facts }],
    );
    expect(s).toMatchObject({ index: 7, texts: { database: 'none' } });
    s = run(s, [
      { type: 'answer.move', delta: 1 },
      { type: 'answer.move', delta: 1 },
    ]);
    expect(s.texts.database).toBe('mariadb');
  });
});
