import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, rehearsal, tempDir } from '../helpers/cli.js';
import { testEngine } from '../helpers/engine.js';

/**
 * The init wizard in a real terminal against the real engine: the reference image is inspected,
 * every proposal accepted but the database (→ postgres), the compose preview shown, the files
 * written, and `validate` accepts them. It creates no container: only the folder is removed.
 */
const engine = await testEngine();
const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;
const socket = `rehearsal-wizard-${randomBytes(4).toString('hex')}`;
const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], { reject: false });
const screen = async () => String((await tmux('capture-pane', '-p', '-J', '-t', 'main')).stdout);

async function waitFor(re: RegExp, timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < end) {
    text = await screen();
    if (re.test(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${re}; the screen shows:\n${text}`);
}

describe.skipIf(!engine || !hasTmux)('rehearsal init wizard in tmux, real engine', () => {
  // Made in beforeAll, not here: a skipped suite still runs this body, and must leave nothing.
  let project = { dir: '', remove: () => undefined as void };
  beforeAll(() => {
    project = tempDir('rehearsal-wizard-');
  });
  afterAll(async () => {
    await tmux('kill-server');
    project.remove();
  });

  it('inspects the image, asks, previews the compose model and writes valid files', async () => {
    const command = `env -u CI node ${CLI} init; echo EXIT=$?; sleep 120`;
    await tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      '120',
      '-y',
      '45',
      '-c',
      project.dir,
      command,
    );
    await waitFor(/\? Image to describe/);
    await tmux('send-keys', '-t', 'main', '-l', 'rehearsal/reference-service:0.1.0');
    await tmux('send-keys', '-t', 'main', 'Enter');
    const facts = await waitFor(/\? Product name \(1\/8 · --name\)/);
    expect(facts).toMatch(/ports\s+8080/);
    expect(facts).toMatch(/user\s+node/);
    // One answer at a time: each Enter waits for the next question (a key pressed while the
    // wizard validates the previous answer could be lost on a loaded machine).
    for (let n = 2; n <= 8; n++) {
      await tmux('send-keys', '-t', 'main', 'Enter');
      await waitFor(new RegExp(`\\? .*\\(${n}/8`));
    }
    await waitFor(/\? Database next to the service \(8\/8/);
    await tmux('send-keys', '-t', 'main', 'Right');
    await tmux('send-keys', '-t', 'main', 'Enter');
    const preview = await waitFor(/enter writes marketplace.json and rehearsal.yaml/);
    expect(preview).toMatch(/✓ marketplace.json and rehearsal.yaml are valid/);
    expect(preview).toMatch(/compose.yaml that `rehearsal up` will run/);
    expect(preview).toMatch(/✓ Health path .*: \/health/);
    await tmux('send-keys', '-t', 'main', 'Enter');
    const done = await waitFor(/EXIT=0/);
    expect(done).toMatch(/Wrote .*marketplace\.json/);
    expect(existsSync(join(project.dir, 'rehearsal.yaml'))).toBe(true);
    expect(readFileSync(join(project.dir, 'rehearsal.yaml'), 'utf8')).toMatch(
      /database: \{ kind: postgres \}/,
    );
    const v = await rehearsal(['validate'], { cwd: project.dir });
    expect(v.exitCode, v.stderr).toBe(0);
  });
});
