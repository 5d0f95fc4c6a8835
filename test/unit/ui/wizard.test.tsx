import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Wizard, type WizardServices } from '../../../cli/ui/init/components/Wizard.js';
import { initialWizard } from '../../../cli/ui/init/wizard-state.js';
import { LifecycleRoot } from '../../../cli/ui/lifecycle.js';
import { imageFacts } from '../../../sandbox/init/image-facts.js';
import { REFERENCE_DETAILS } from '../init/fixtures.js';
import { frame, settle } from './helpers.js';

afterEach(() => cleanup());

const facts = imageFacts('rehearsal/reference-service:0.1.0', REFERENCE_DETAILS);
const ENTER = '\r';

function services(existing: string[] = []): WizardServices & { written: boolean[] } {
  const written: boolean[] = [];
  return {
    written,
    inspect: vi.fn(async (_image: string, onProgress: (t: string) => void) => {
      onProgress('image present');
      return facts;
    }),
    check: vi.fn(async () => ({
      problems: [],
      notes: [],
      compose: 'services:\n  reference-service:\n    image: rehearsal/reference-service:0.1.0\n',
    })),
    existing: vi.fn(async () => existing),
    write: vi.fn(async (_p, force: boolean) => {
      written.push(force);
      return ['/p/marketplace.json', '/p/rehearsal.yaml'];
    }),
  };
}

async function mount(s: WizardServices, image?: string) {
  const app = render(
    <LifecycleRoot>
      <Wizard initial={initialWizard(image, {})} services={s} dir="/p" />
    </LifecycleRoot>,
  );
  await settle(50);
  return app;
}

async function press(stdin: { write: (s: string) => void }, keys: string[]) {
  for (const k of keys) {
    stdin.write(k);
    await settle(30);
  }
}

describe('Wizard', () => {
  it('goes from the image to the facts, the questions, the preview, and writes', async () => {
    const s = services();
    const { stdin, lastFrame } = await mount(s);
    expect(frame(lastFrame())).toMatchSnapshot('image question');
    await press(stdin, ['rehearsal/reference-service:0.1.0', ENTER]);
    await settle(50);
    expect(s.inspect).toHaveBeenCalledWith(
      'rehearsal/reference-service:0.1.0',
      expect.any(Function),
    );
    expect(frame(lastFrame())).toMatchSnapshot('first question, facts above');
    await press(
      stdin,
      Array.from({ length: 8 }, () => ENTER),
    );
    await settle(300); // the validation waits for typing to pause
    expect(frame(lastFrame())).toMatchSnapshot('preview');
    await press(stdin, [ENTER]);
    await settle(50);
    expect(s.written).toEqual([false]);
  });

  it('asks before replacing files that exist', async () => {
    const s = services(['marketplace.json']);
    const { stdin, lastFrame } = await mount(s, 'rehearsal/reference-service:0.1.0');
    await press(
      stdin,
      Array.from({ length: 8 }, () => ENTER),
    );
    await settle(300);
    await press(stdin, [ENTER]);
    expect(frame(lastFrame())).toMatch(
      /marketplace.json already exists in \/p\.\s+Replace\? y yes · n no/,
    );
    await press(stdin, ['n']);
    expect(s.write).not.toHaveBeenCalled();
    await press(stdin, [ENTER, 'y']);
    await settle(50);
    expect(s.written).toEqual([true]);
  });

  it('shows a wrong answer as it is typed and validates the files again once typing pauses', async () => {
    const s = services();
    const { stdin, lastFrame } = await mount(s, 'rehearsal/reference-service:0.1.0');
    await press(stdin, [ENTER, ENTER, '\u0015', '8']);
    await vi.waitFor(() =>
      expect(frame(lastFrame())).toMatch(/the memory limit must be from 16 to 1048576/),
    );
    await press(stdin, ['00']);
    await vi.waitFor(() =>
      expect(frame(lastFrame())).toMatch(/✓ marketplace.json and rehearsal.yaml are valid/),
    );
    expect(s.check).toHaveBeenCalled();
  });
});
