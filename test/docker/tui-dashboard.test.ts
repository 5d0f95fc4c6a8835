import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, referenceProject } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

/**
 * `rehearsal up` with the dashboard, in a real terminal (tmux): a replica killed with `k` is
 * replaced; `t` shows traffic figures, `c` a seeded chaos action with its outcome and, stopped,
 * the replica count restored; the dashboard fits 80 and 200 columns without wrapping; `q` then
 * `d` tears the sandbox down (its volume is kept, as the prompt says, and removed here).
 */
const engine = await testEngine();
const hasTmux = (await execa('tmux', ['-V'], { reject: false })).exitCode === 0;
const socket = `rehearsal-tui-${randomBytes(4).toString('hex')}`;
const sandbox = `tui-${randomBytes(3).toString('hex')}`;
const images = process.env.REHEARSAL_IMAGES ?? 'offline';
// Its own TLS edge port, so a sandbox left running elsewhere (on 8443) does not get in the way.
const proxyPort = 20000 + Math.floor(Math.random() * 20000);

const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], { reject: false });
/** The screen with wrapped lines joined: a line longer than the width is one the terminal wrapped. */
const screen = async (session: string) =>
  String((await tmux('capture-pane', '-p', '-J', '-t', session)).stdout);

async function waitFor(session: string, re: RegExp, timeoutMs = 180_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < end) {
    text = await screen(session);
    if (re.test(text)) return text;
    if (/^EXIT=\d+$/m.test(text) && !re.source.includes('EXIT'))
      throw new Error(
        `rehearsal ended before ${re}; the screen shows:\n${text.trimEnd().split('\n').slice(-30).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
  // The live area is what matters; the finished lines above it would push it out of a CI log.
  throw new Error(
    `timed out waiting for ${re}; the dashboard shows:\n${liveArea(text).join('\n')}`,
  );
}

/** Starts `rehearsal up` in a new tmux session of the given size; the pane stays after it exits. */
async function upIn(session: string, cwd: string, width: number, height: number): Promise<void> {
  // `env -u CI`: Ink draws only the last frame when it believes it runs in CI.
  const command = `env -u CI REHEARSAL_IMAGES=${images} REHEARSAL_PROXY_PORT=${proxyPort} node ${CLI} up; echo EXIT=$?; sleep 600`;
  const r = await tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(width),
    '-y',
    String(height),
    '-c',
    cwd,
    command,
  );
  expect(r.exitCode, r.stderr).toBe(0);
}

const KEY_ROW =
  /^k\/K kill {2}\+\/- scale {2}t traffic {2}c chaos {2}r checks {2}l logs {2}\? help {2}q quit$/m;

/** The live dashboard: from its header line down (the finished lines above may be any width). */
function liveArea(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findLastIndex((l) => l.startsWith('Rehearsal · sandbox'));
  return lines.slice(Math.max(0, start)).filter((l) => l.trim() !== '');
}

describe.skipIf(!engine || !hasTmux)('the dashboard in tmux', () => {
  const project = referenceProject(sandbox);

  afterAll(async () => {
    await tmux('kill-server');
    if (engine) await removeSandbox(engine, sandbox);
    project.remove();
  }, 120_000);

  it('at 120×40: k kills a replica, the supervisor replaces it; t traffic, c chaos; + and - scale within bounds; q, r leaves it running', async () => {
    await upIn('wide', project.dir, 120, 40);
    await waitFor('wide', KEY_ROW);
    await waitFor('wide', /patient-api 3\/3 healthy \(2\.\.6\)/);
    await tmux('send-keys', '-t', 'wide', 'k');
    // A replica of any long-running task: the API's or the session-expiry worker's.
    const killed = await waitFor(
      'wide',
      /killed (\S+-(?:patient-api|session-expiry)-\d) \(SIGKILL\)/,
      30_000,
    );
    const name = /killed (\S+-(?:patient-api|session-expiry)-\d)/.exec(killed)?.[1];
    await waitFor('wide', new RegExp(`${name} died: exit code 137`), 30_000);
    await waitFor('wide', new RegExp(`replaced ${name} with \\S+, healthy after`), 120_000);
    await waitFor('wide', /patient-api 3\/3 healthy/);
    // t: traffic through the edge, with its figures and each replica's share.
    await tmux('send-keys', '-t', 'wide', 't');
    await waitFor(
      'wide',
      /^traffic on .*\d+\.\d req\/s {2}errors \d+\.\d % {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms$/m,
      30_000,
    );
    await waitFor('wide', /^ {2}share patient-api-\d \d+%/m, 30_000);
    // c: a seeded chaos run; its first action shows with its outcome, then c stops it and the
    // task comes back to the count it had.
    await tmux('send-keys', '-t', 'wide', 'c');
    const chaos = await waitFor(
      'wide',
      /^chaos on · seed (\d+) · \d+\/\d+ actions · within 2\.\.6$/m,
      60_000,
    );
    const seed = /seed (\d+)/.exec(chaos)?.[1];
    expect(chaos).toMatch(/^traffic the chaos run's /m);
    // Its first action is on screen as it runs (or with its outcome, on a fast machine).
    await waitFor('wide', /^ {2}#1 .+ → (running…|recovered in [\d.]+ s|FAILED)/m, 60_000);
    await tmux('send-keys', '-t', 'wide', 'c');
    await waitFor(
      'wide',
      new RegExp(`^chaos off · seed ${seed} · .*stopped; replica count restored`, 'm'),
      180_000,
    );
    await waitFor('wide', /patient-api 3\/3 healthy/, 120_000);
    // Our own traffic comes back after the chaos run; t turns it off.
    await waitFor('wide', /^traffic on /m, 30_000);
    await tmux('send-keys', '-t', 'wide', 't');
    await waitFor('wide', /^traffic off /m, 30_000);
    // + and - scale the selected replica's task, within the declared 2..6.
    await tmux('send-keys', '-t', 'wide', '+');
    await waitFor('wide', /patient-api 4\/4 healthy/, 120_000);
    await tmux('send-keys', '-t', 'wide', '-');
    await waitFor('wide', /patient-api 3\/3 healthy/, 120_000);
    await tmux('send-keys', '-t', 'wide', '-');
    await waitFor('wide', /patient-api 2\/2 healthy/, 120_000);
    await tmux('send-keys', '-t', 'wide', '-');
    await waitFor(
      'wide',
      /cannot scale "patient-api" to 1: the declaration allows 2\.\.6 instances/,
      30_000,
    );
    await tmux('send-keys', '-t', 'wide', 'q');
    await waitFor(
      'wide',
      /Quit\? r leave the sandbox running · d tear it down \(volumes kept\) · esc stay/,
    );
    await tmux('send-keys', '-t', 'wide', 'r');
    const after = await waitFor('wide', /EXIT=0/, 30_000);
    expect(after).toMatch(/left running; `rehearsal down` removes it/);
    const left = (await labelled(engine!, sandbox)).containers;
    expect(left.filter((c) => c.includes('-patient-api-'))).toHaveLength(2);
  });

  it.each([
    [80, 40],
    [200, 50],
  ])(
    'at %i columns the dashboard fits: no line wraps, the key row is whole',
    async (width, height) => {
      const session = `w${width}`;
      await upIn(session, project.dir, width, height);
      await waitFor(session, /patient-api 2\/2 healthy/); // the count the first session left
      // Let a stats sample arrive so the memory column is drawn at its widest.
      const text = await waitFor(session, /\d+\/256M/, 30_000);
      const live = liveArea(text);
      expect(live.length).toBeGreaterThan(6);
      for (const line of live) expect([...line].length, line).toBeLessThanOrEqual(width);
      expect(text).toMatch(KEY_ROW);
      expect(
        live.filter((l) => /^[› ] patient-api-\d/.test(l)),
        text,
      ).toHaveLength(2);
      if (width === 200) {
        await tmux('send-keys', '-t', session, 'q');
        await waitFor(session, /Quit\?/);
        await tmux('send-keys', '-t', session, 'd');
        const end = await waitFor(session, /EXIT=0/, 120_000);
        expect(end).toMatch(/removed; its volumes are kept/);
        expect(await labelled(engine!, sandbox)).toEqual({
          containers: [],
          networks: [],
          volumes: [`${sandbox}_database-data`],
        });
      } else {
        await tmux('send-keys', '-t', session, 'q');
        await waitFor(session, /Quit\?/);
        await tmux('send-keys', '-t', session, 'r');
        await waitFor(session, /EXIT=0/, 30_000);
      }
    },
  );
});
