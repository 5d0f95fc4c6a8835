import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parseDurationFlag,
  parseSeconds,
  projectName,
  PROJECT_NAME_ENV,
} from '../../../cli/flags.js';
import { applyNoColor } from '../../../cli/no-color.js';
import { renderSandboxes } from '../../../cli/views/sandbox-list.js';
import { noDeclaration } from '../../../sandbox/sandbox/resolve.js';

afterEach(() => vi.unstubAllEnvs());

describe('durations with units', () => {
  it('takes plain seconds and compose units alike', () => {
    expect(parseDurationFlag('90', '--duration')).toBe(90_000);
    expect(parseDurationFlag('90s', '--duration')).toBe(90_000);
    expect(parseDurationFlag('10m', '--duration')).toBe(600_000);
    expect(parseDurationFlag('1m30s', '--duration')).toBe(90_000);
    expect(parseDurationFlag('500ms', '--duration')).toBe(500);
    expect(parseDurationFlag('1h', '--duration')).toBe(3_600_000);
    expect(parseSeconds(undefined, '--duration', 60)).toBe(60_000);
  });

  it('refuses what is not a duration, naming the flag and the units', () => {
    for (const bad of ['ten', '10 minutes', '-5', '5d', ''])
      expect(() => parseDurationFlag(bad, '--duration')).toThrow(
        expect.objectContaining({
          message: `--duration "${bad}" is not a duration`,
          hint: expect.stringMatching(/90s, 10m, 1m30s, 500ms/),
        }),
      );
  });
});

describe('the sandbox name: -p, --sandbox, REHEARSAL_PROJECT_NAME', () => {
  it('prefers -p, then --sandbox, then the environment', () => {
    vi.stubEnv(PROJECT_NAME_ENV, 'from-env');
    expect(projectName({ projectName: 'flag', sandbox: 'other' })).toBe('flag');
    expect(projectName({ sandbox: 'other' })).toBe('other');
    expect(projectName({})).toBe('from-env');
    vi.stubEnv(PROJECT_NAME_ENV, '');
    expect(projectName({})).toBeUndefined();
  });

  it('refuses a name that cannot be a sandbox, saying where it came from', () => {
    expect(() => projectName({ projectName: 'My_Sandbox' })).toThrow(
      /-p "My_Sandbox" is not a sandbox name/,
    );
    vi.stubEnv(PROJECT_NAME_ENV, '9lives');
    expect(() => projectName({})).toThrow(/REHEARSAL_PROJECT_NAME "9lives" is not a sandbox name/);
  });
});

describe('colour', () => {
  it('is off under NO_COLOR (set, not empty) or --no-color, through FORCE_COLOR=0', () => {
    const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
    expect(applyNoColor(env, ['node', 'rehearsal', 'up'])).toBe(true);
    expect(env.FORCE_COLOR).toBe('0');
    const flag: NodeJS.ProcessEnv = {};
    expect(applyNoColor(flag, ['node', 'rehearsal', 'up', '--no-color'])).toBe(true);
    expect(flag.FORCE_COLOR).toBe('0');
    const on: NodeJS.ProcessEnv = { NO_COLOR: '' };
    expect(applyNoColor(on, ['node', 'rehearsal'])).toBe(false);
    expect(on.FORCE_COLOR).toBeUndefined();
  });
});

describe('a folder without marketplace.json', () => {
  it('offers the *.build.json files it holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearsal-build-json-'));
    try {
      expect(noDeclaration(dir).hint).toMatch(/Pass --file path\/to\/marketplace\.json/);
      writeFileSync(join(dir, 'smart.product.build.json'), '{}');
      expect(noDeclaration(dir).hint).toBe('Did you mean --file smart.product.build.json?');
      writeFileSync(join(dir, 'other.build.json'), '{}');
      expect(noDeclaration(dir).hint).toBe(
        'Did you mean --file other.build.json or --file smart.product.build.json?',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rehearsal ls', () => {
  it('prints one row per sandbox, or says there is none', () => {
    expect(renderSandboxes([])).toMatch(/^No sandbox on this engine/);
    const text = renderSandboxes([
      {
        name: 'patient-api',
        engine: 'compose',
        running: 3,
        containers: 4,
        services: { database: { running: 1, containers: 1 }, api: { running: 2, containers: 3 } },
        stateDir: '/home/v/svc/.rehearsal/patient-api',
      },
    ]);
    expect(text.split('\n')).toEqual([
      'NAME         ENGINE   RUNNING  SERVICES               STATE FOLDER',
      'patient-api  compose  3/4      database 1/1, api 2/3  /home/v/svc/.rehearsal/patient-api',
    ]);
  });
});
