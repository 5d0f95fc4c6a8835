// Bundles the programs that run inside containers into single ESM files under
// dist/, so an image needs only node and that one file (no node_modules).
// Usage: node scripts/bundle.mjs
import { build } from 'esbuild';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Entry points: `in` relative to the repo root, `out` relative to dist/ (without extension). */
const ENTRIES = [
  { in: 'templates/reference-service/server.mjs', out: 'reference-service/server' },
  // Rehearsal's runtime image: one program per entry point.
  { in: 'proxy/main.ts', out: 'runtime/proxy' },
  { in: 'idp/main.ts', out: 'runtime/idp' },
  { in: 'collector/main.ts', out: 'runtime/collector' },
];

// esbuild turns CommonJS dependencies (pg) into calls to `require`, which an
// ES module lacks: define one from the bundle's own URL.
const banner = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  'const require = __bundleCreateRequire(import.meta.url);',
].join('\n');

// An image carries no package.json: the programs' version (base/version.ts) is bundled in.
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const result = await build({
  absWorkingDir: root,
  entryPoints: ENTRIES,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  define: { __REHEARSAL_VERSION__: JSON.stringify(version) },
  // pg loads its optional native binding only when asked to; it is not installed.
  external: ['pg-native'],
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  process.stderr.write(`bundled ${file} (${Math.round(bytes / 1024)} KiB)\n`);
}

// The runtime image's dispatcher picks an entry point at run time, and the identity provider's
// smoke test runs on its own: copied, not bundled.
for (const file of ['main.mjs', 'smoke-idp.mjs'])
  copyFileSync(join(root, 'templates/runtime', file), join(root, 'dist/runtime', file));
