import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import { UserError, ValidationError } from '../../../sandbox/errors.js';
import { GOOD_BODY, loadFailure, oneTask, scratch } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('files', () => {
  it('a missing declaration is a UserError with a hint, not a ValidationError', async () => {
    const dir = await scratch({});
    const e = await rejection(loadDeclaration({ file: 'marketplace.json', cwd: dir }));
    expect(e).toBeInstanceOf(UserError);
    expect(e).not.toBeInstanceOf(ValidationError);
    expect((e as UserError).message).toContain(path.join(dir, 'marketplace.json'));
    expect((e as UserError).hint).toBeTruthy();
  });

  it('an explicit overlay that does not exist is a UserError', async () => {
    const dir = await scratch({ 'marketplace.json': oneTask(GOOD_BODY) });
    const e = await rejection(
      loadDeclaration({ file: 'marketplace.json', overlayFile: 'custom.yaml', cwd: dir }),
    );
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/overlay file .*custom\.yaml does not exist/);
  });

  it('a directory instead of a file is a UserError', async () => {
    const dir = await scratch({});
    await mkdir(path.join(dir, 'marketplace.json'));
    await expect(loadDeclaration({ file: 'marketplace.json', cwd: dir })).rejects.toThrow(
      /is a directory/,
    );
  });

  it('a file over 5 MiB is refused', async () => {
    const e = await loadFailure(`{"product": {}, "pad": "${'x'.repeat(5 * 1024 * 1024)}"}`);
    expect(e.problems[0]?.message).toMatch(/limit is 5 MiB/);
  });

  it('an empty overlay means defaults; rehearsal.yaml wins over rehearsal.yml', async () => {
    const dir = await scratch({
      'marketplace.json': oneTask(GOOD_BODY),
      'rehearsal.yaml': '',
      'rehearsal.yml': 'profile: nonsense\n',
    });
    const { overlay } = await loadDeclaration({ file: 'marketplace.json', cwd: dir });
    expect(overlay).toMatchObject({
      file: path.join(dir, 'rehearsal.yaml'),
      profile: 'hspc-2016',
      database: { kind: 'postgres' },
    });
  });

  it('an explicit overlay path is used instead of the one beside the file', async () => {
    const dir = await scratch({
      'marketplace.json': oneTask(GOOD_BODY),
      'rehearsal.yaml': 'profile: nonsense\n',
      'ci.yaml': 'profile: hl7-hsp-r2\n',
    });
    const { overlay } = await loadDeclaration({
      file: 'marketplace.json',
      overlayFile: 'ci.yaml',
      cwd: dir,
    });
    expect(overlay.profile).toBe('hl7-hsp-r2');
  });

  it('collects the problems of both files in one ValidationError, declaration first', async () => {
    const e = await loadFailure(
      oneTask('      "id": "api",\n      "label": "API",\n      "ports": [0]'),
      'profile: nope\nhelth: {}\n',
    );
    const summary = e.problems
      .filter((p) => !p.message.startsWith('official'))
      .map((p) => [path.basename(p.location.file), p.severity, p.location.line]);
    expect(summary).toEqual([
      ['marketplace.json', 'error', 11],
      ['rehearsal.yaml', 'error', 1],
      ['rehearsal.yaml', 'warning', 2],
    ]);
    expect(e.message).toMatch(/marketplace\.json:11:\d+ .*\(and 1 more problem\(s\)\)$/);
  });

  it('sha256 and absolute path of the declaration', async () => {
    const dir = await scratch({ 'marketplace.json': oneTask(GOOD_BODY) });
    const { declaration } = await loadDeclaration({ file: './marketplace.json', cwd: dir });
    expect(declaration.file).toBe(path.join(dir, 'marketplace.json'));
    expect(declaration.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
