import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json and templates/ live), from source or from dist/. */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as {
        name?: string;
      };
      if (pkg.name === 'rehearsal') return dir;
    } catch {
      // Not here (ENOENT, or another package's file); keep walking up.
    }
    dir = dirname(dir);
  }
  return resolve(start, '..');
}

export const VERSION: string = (
  JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** Absolute path of a file under templates/. */
export function templatePath(...parts: string[]): string {
  return resolve(PACKAGE_ROOT, 'templates', ...parts);
}
