import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { REFERENCE, SHARED, rehearsal, tempDir } from '../helpers/cli.js';

const declarations = [
  ['reference', join(REFERENCE, 'marketplace.json')],
  ['cds-hooks', join(SHARED, 'marketplace/examples/cds-hooks.product.build.json')],
  ['smart', join(SHARED, 'marketplace/examples/smart.product.build.json')],
] as const;

const composeCli = await execa('docker-compose', ['version'], { reject: false }).catch(
  () => undefined,
);
const haveCompose = composeCli?.exitCode === 0;
if (!haveCompose) console.warn('docker-compose is not installed: its `config` checks are skipped');

const noStack = /\n\s+at /;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function workDir(): string {
  const t = tempDir('rehearsal-export-');
  cleanups.push(t.remove);
  return t.dir;
}

describe('rehearsal export kubernetes', () => {
  it('writes manifests and a kustomization; Secrets are private', async () => {
    const dir = workDir();
    const r = await rehearsal(
      ['export', 'kubernetes', '--file', join(REFERENCE, 'marketplace.json'), '--output', 'k8s'],
      { cwd: dir },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const out = join(dir, 'k8s');
    const files = readdirSync(out).sort();
    const kustomization = parse(readFileSync(join(out, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect([...kustomization.resources, 'kustomization.yaml'].sort()).toEqual(files);
    expect(files).toContain('patient-api-deployment.yaml');
    expect(statSync(join(out, 'demo-secrets-secret.yaml')).mode & 0o777).toBe(0o600);
    expect(r.stderr).toMatch(/kubectl apply -k k8s/);
  });

  it('refuses a non-empty folder without --force (exit 2, no stack), replaces it with', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const args = ['export', 'kubernetes', '--file', join(REFERENCE, 'marketplace.json'), '-o', '.'];
    const refused = await rehearsal(args, { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/is not empty/);
    expect(refused.stderr).toMatch(/--force/);
    expect(refused.stderr).not.toMatch(noStack);
    expect(readdirSync(dir)).toEqual(['keep.txt']);

    const forced = await rehearsal([...args.slice(0, -1), 'out', '--force'], { cwd: dir });
    expect(forced.exitCode, forced.stderr).toBe(0);
  });

  it('asks for --output (exit 2)', async () => {
    const r = await rehearsal([
      'export',
      'kubernetes',
      '--file',
      join(REFERENCE, 'marketplace.json'),
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--output/);
  });
});

describe('rehearsal export compose', () => {
  it.each(declarations)(
    'writes %s with a .env that `docker-compose config` accepts',
    async (_name, file) => {
      const dir = workDir();
      const r = await rehearsal(['export', 'compose', '--file', file, '-o', 'stack/compose.yaml'], {
        cwd: dir,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const out = join(dir, 'stack');
      expect(statSync(join(out, '.env')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(out, '.env'), 'utf8')).toMatch(/^REHEARSAL_DB_PASSWORD=\S+\n$/);
      if (!haveCompose) return;
      const checked = await execa(
        'docker-compose',
        ['-f', 'compose.yaml', '-p', 'x', 'config', '-q'],
        {
          cwd: out,
          reject: false,
        },
      );
      expect(checked.exitCode, checked.stderr).toBe(0);
    },
    // docker-compose (Python) starts slowly on a busy machine.
    120_000,
  );

  it('prints to stdout without --output and never overwrites a file without --force', async () => {
    const dir = workDir();
    const file = join(REFERENCE, 'marketplace.json');
    const printed = await rehearsal(['export', 'compose', '--file', file], { cwd: dir });
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(Object.keys((parse(printed.stdout) as { services: object }).services)).toContain(
      'patient-api',
    );
    expect(printed.stderr).toMatch(/put them in a \.env beside it/);

    writeFileSync(join(dir, 'compose.yaml'), 'services: {}\n');
    const refused = await rehearsal(['export', 'compose', '--file', file, '-o', 'compose.yaml'], {
      cwd: dir,
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/already exists[\s\S]*--force/);
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe('services: {}\n');
  });
});

describe('rehearsal up|down --engine', () => {
  it.each(['up', 'down'])('%s refuses an engine it does not know (exit 2, a hint)', async (cmd) => {
    const r = await rehearsal(
      [cmd, '--engine', 'nomad', '--file', join(REFERENCE, 'marketplace.json')],
      {
        cwd: workDir(),
      },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--engine nomad is not an engine Rehearsal knows/);
    expect(r.stderr).toMatch(/--engine swarm/);
    expect(r.stderr).not.toMatch(noStack);
  });
});
