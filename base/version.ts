import { readFileSync } from 'node:fs';

// Set by scripts/bundle.mjs (esbuild `define`): an image carries no package.json.
declare const __REHEARSAL_VERSION__: string | undefined;

/**
 * The version of the runtime programs: the one bundled in, or, when a program runs from source
 * (tests), package.json's.
 */
export const RUNTIME_VERSION: string =
  typeof __REHEARSAL_VERSION__ === 'string' ? __REHEARSAL_VERSION__ : fromPackageJson();

function fromPackageJson(): string {
  try {
    const url = new URL('../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    // Neither bundled nor beside the sources: say so rather than claim a version.
    return 'unknown';
  }
}
