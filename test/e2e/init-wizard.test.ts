import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../helpers/cli.js';

/**
 * The wizard in a real terminal (tmux), with no engine: it must draw, take typing, report the
 * engine's absence at the image question (not crash), and leave on Ctrl-C with 130.
 */
const socket = `rehearsal-e2e-${randomBytes(4).toString('hex')}`;
const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], { reject: false });
const screen = async () => String((await tmux('capture-pane', '-p', '-J', '-t', 'main')).stdout);

async function waitFor(re: RegExp, timeoutMs = 15_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < end) {
    text = await screen();
    if (re.test(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${re}; the screen shows:\n${text}`);
}

const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;

describe.skipIf(!hasTmux)('rehearsal init wizard in tmux, no engine', () => {
  // Made in beforeAll, not here: a skipped suite still runs this body, and must leave nothing.
  let project = { dir: '', remove: () => undefined as void };
  beforeAll(async () => {
    project = tempDir('rehearsal-wizard-');
    // `env -u CI`: Ink draws only the last frame when it believes it runs in CI.
    const command = `env -u CI DOCKER_HOST=unix:///nonexistent/docker.sock node ${CLI} init; echo EXIT=$?; sleep 60`;
    const r = await tmux(
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      '100',
      '-y',
      '30',
      '-c',
      project.dir,
      command,
    );
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await tmux('kill-server');
    project.remove();
  });

  it('asks for the image, explains the missing engine there, and exits 130 on Ctrl-C', async () => {
    await waitFor(/\? Image to describe \(--image\)/);
    await tmux('send-keys', '-t', 'main', '-l', 'vendor/app:1');
    await waitFor(/vendor\/app:1/);
    await tmux('send-keys', '-t', 'main', 'Enter');
    const text = await waitFor(/no container engine answered/);
    expect(text).toMatch(/\? Image to describe/); // still at the question, ready for another try
    await tmux('send-keys', '-t', 'main', 'C-c');
    await waitFor(/EXIT=130/);
  });
});
