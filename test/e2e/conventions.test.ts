import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE, SHARED, rehearsal, tempDir } from '../helpers/cli.js';

const reference = join(REFERENCE, 'marketplace.json');
const noStack = /\n\s+at /;
const folder = tempDir('rehearsal-conventions-');
afterAll(() => folder.remove());

describe("compose's CLI conventions, without an engine", () => {
  it('`validate --json` prints the problems as JSON when the input is invalid, exit 2', async () => {
    const bad = join(folder.dir, 'bad.json');
    writeFileSync(bad, '{\n  "name": 3\n}\n');
    const r = await rehearsal(['validate', '--json', '--file', bad]);
    expect(r.exitCode).toBe(2);
    const out = JSON.parse(r.stdout) as {
      valid: boolean;
      problems: {
        severity: string;
        message: string;
        location: { line: number; pointer: string };
      }[];
    };
    expect(out.valid).toBe(false);
    expect(out.problems.length).toBeGreaterThan(0);
    const error = out.problems.find((x) => x.severity === 'error');
    expect(error?.location).toMatchObject({
      line: expect.any(Number),
      pointer: expect.any(String),
    });
  });

  it('offers the *.build.json files of a folder without marketplace.json', async () => {
    const dir = join(folder.dir, 'builds');
    await import('node:fs').then((fs) => fs.mkdirSync(dir));
    copyFileSync(
      join(SHARED, 'marketplace/examples/smart.product.build.json'),
      join(dir, 'smart.product.build.json'),
    );
    const r = await rehearsal(['validate'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Did you mean --file smart\.product\.build\.json\?/);
    expect(r.stderr).not.toMatch(noStack);
  });

  it('`ps` is `status`, `ls` is listed, and `-f` means --file on logs too', async () => {
    const help = await rehearsal(['--help']);
    expect(help.stdout).toMatch(/status\|ps /);
    expect(help.stdout).toMatch(/\n {2}ls /);
    const logs = await rehearsal(['logs', '-f', join(folder.dir, 'missing.json')]);
    expect(logs.exitCode).toBe(2);
    expect(logs.stderr).toMatch(/missing\.json/);
    expect(logs.stderr).not.toMatch(/unknown option/);
    expect((await rehearsal(['logs', '--help'])).stdout).toMatch(/--follow/);
  });

  it('takes durations with units and refuses a bad one clearly', async () => {
    const args = ['chaos', '--dry-run', '--json', '--file', reference, '--seed', '1'];
    const ok = await rehearsal([...args, '--duration', '2m']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { durationMs: number }).durationMs).toBe(120_000);
    const bad = await rehearsal([...args, '--duration', 'ten']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--duration "ten" is not a duration/);
    expect(bad.stderr).toMatch(/90s, 10m, 1m30s/);
    expect(bad.stderr).not.toMatch(noStack);
  });

  it('names the sandbox with -p or REHEARSAL_PROJECT_NAME, and refuses a bad name', async () => {
    const p = await rehearsal(['plan', '--file', reference, '-p', 'my-name']);
    expect(p.exitCode, p.stderr).toBe(0);
    expect((parse(p.stdout) as { 'x-rehearsal': { project: string } })['x-rehearsal'].project).toBe(
      'my-name',
    );
    const env = await rehearsal(['plan', '--file', reference], {
      env: { REHEARSAL_PROJECT_NAME: 'from-env' },
    });
    expect(
      (parse(env.stdout) as { 'x-rehearsal': { project: string } })['x-rehearsal'].project,
    ).toBe('from-env');
    const bad = await rehearsal(['status'], { env: { REHEARSAL_PROJECT_NAME: 'Not_A_Name' } });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/REHEARSAL_PROJECT_NAME "Not_A_Name" is not a sandbox name/);
  });

  it('honours NO_COLOR and --no-color', async () => {
    const r = await rehearsal(['--no-color', 'validate', '--file', reference], {
      env: { NO_COLOR: '1' },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b\[/);
  });
});
