import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REFERENCE, SHARED, rehearsal, tempDir } from '../helpers/cli.js';

const compose = await execa('docker-compose', ['version'], { reject: false });
const available = compose.exitCode === 0;
if (!available && process.env.CI === 'true')
  throw new Error('docker-compose is not installed; .ci/run installs it');

const files = [
  join(REFERENCE, 'marketplace.json'),
  join(SHARED, 'marketplace/examples/cds-hooks.product.build.json'),
  join(SHARED, 'marketplace/examples/smart.product.build.json'),
];

describe.skipIf(!available)('the written compose.yaml', () => {
  it.each(files)('is accepted by docker-compose 1.29 `config` (%s)', async (file) => {
    const t = tempDir();
    try {
      const out = join(t.dir, 'compose.yaml');
      const r = await rehearsal(['plan', '--file', file, '--output', out]);
      expect(r.exitCode, r.stderr).toBe(0);
      const project = (parse(readFileSync(out, 'utf8')) as { 'x-rehearsal': { project: string } })[
        'x-rehearsal'
      ].project;
      const checked = await execa('docker-compose', ['-f', out, '-p', project, 'config', '-q'], {
        reject: false,
        cwd: t.dir,
      });
      expect(checked.exitCode, checked.stderr).toBe(0);
    } finally {
      t.remove();
    }
  });
});
