import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REFERENCE, SHARED, rehearsal, tempDir } from '../helpers/cli.js';
import { composeV2 } from '../helpers/compose.js';

// Compose v2 runs the file (compose-v2.test.ts); Debian bookworm's docker-compose 1.29, which
// README also names, must at least accept it.
const v1 = (await execa('docker-compose', ['version'], { reject: false })).exitCode === 0;
if (!v1 && process.env.CI === 'true')
  throw new Error('docker-compose is not installed; .ci/run installs it');
const tools = [
  ...((await composeV2()) ? [{ name: 'docker compose v2', command: ['docker', 'compose'] }] : []),
  ...(v1 ? [{ name: 'docker-compose 1.29', command: ['docker-compose'] }] : []),
];

const files = [
  join(REFERENCE, 'marketplace.json'),
  join(SHARED, 'marketplace/examples/cds-hooks.product.build.json'),
  join(SHARED, 'marketplace/examples/smart.product.build.json'),
];
const cases = tools.flatMap((tool) => files.map((file) => ({ tool, file })));

describe.skipIf(cases.length === 0)('the written compose.yaml', () => {
  it.each(cases)('is accepted by $tool.name `config` ($file)', async ({ tool, file }) => {
    const t = tempDir();
    try {
      const out = join(t.dir, 'compose.yaml');
      const r = await rehearsal(['plan', '--file', file, '--output', out]);
      expect(r.exitCode, r.stderr).toBe(0);
      const project = (parse(readFileSync(out, 'utf8')) as { 'x-rehearsal': { project: string } })[
        'x-rehearsal'
      ].project;
      const [command, ...args] = tool.command;
      const checked = await execa(command!, [...args, '-f', out, '-p', project, 'config', '-q'], {
        reject: false,
        cwd: t.dir,
      });
      expect(checked.exitCode, checked.stderr).toBe(0);
    } finally {
      t.remove();
    }
  });
});
