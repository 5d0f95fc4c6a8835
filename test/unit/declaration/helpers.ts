import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import type { LoadedDeclaration } from '../../../sandbox/declaration/types.js';
import { ValidationError } from '../../../sandbox/errors.js';

// The declaration builders live beside the malformed-case table, which the Docker tests share.
export { oneTask, TWO_TASKS } from '../../fixtures/declarations/malformed-cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root; the shared folder sits beside the clone (../shared), as in CI. */
export const repoRoot = path.resolve(here, '../../..');
export const examplesDir = path.resolve(repoRoot, '../shared/marketplace/examples');
export const fixturesDir = path.resolve(repoRoot, 'test/fixtures/declarations');

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Writes files into a fresh temporary directory and returns it. */
export async function scratch(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rehearsal-decl-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files))
    await writeFile(path.join(dir, name), content);
  return dir;
}

/** Loads marketplace.json (and rehearsal.yaml, when given) from a scratch directory. */
export async function loadFiles(
  json: string | Buffer,
  yaml?: string | Buffer,
): Promise<LoadedDeclaration> {
  const dir = await scratch({
    'marketplace.json': json,
    ...(yaml !== undefined ? { 'rehearsal.yaml': yaml } : {}),
  });
  return loadDeclaration({ file: 'marketplace.json', cwd: dir });
}

/** Loads and returns the ValidationError it must throw. */
export async function loadFailure(
  json: string | Buffer,
  yaml?: string | Buffer,
): Promise<ValidationError> {
  try {
    await loadFiles(json, yaml);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw new Error(`expected a ValidationError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a ValidationError, but the declaration loaded');
}

/** A valid task body for `oneTask`, lines 9-12. */
export const GOOD_BODY = `      "id": "api",
      "label": "Patient API",
      "ports": [8080],
      "environment": [{ "key": "DATABASE_URL", "description": "db" }]`;
