import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REFERENCE, SHARED, rehearsal } from '../helpers/cli.js';

const examples = ['cds-hooks.product.build.json', 'smart.product.build.json'].map((f) =>
  join(SHARED, 'marketplace/examples', f),
);
const noStack = /\n\s+at /;

describe('rehearsal CLI without an engine', () => {
  it.each(examples)('validates the real example %s (exit 0, warnings on stderr)', async (file) => {
    const r = await rehearsal(['validate', '--file', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/is valid: .* task\(s\)/);
  });

  it.each(examples)('plans the real example %s into compose YAML', async (file) => {
    const r = await rehearsal(['plan', '--file', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const model = parse(r.stdout) as { services: Record<string, unknown> };
    expect(Object.keys(model.services)).toContain('database');
    expect(r.stderr).toMatch(/is required and has no value/);
  });

  it('plans the reference service with every variable bound', async () => {
    const r = await rehearsal(['plan', '--file', join(REFERENCE, 'marketplace.json')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/has no value/);
    const model = parse(r.stdout) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    expect(model.services['patient-api']?.environment?.DATABASE_URL).toBe(
      'postgres://rehearsal:${REHEARSAL_DB_PASSWORD}@database:5432/app',
    );
  });

  it('explains a missing engine: what was tried and how to fix it, exit 2', async () => {
    const r = await rehearsal(['demo', '--detach'], {
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no container engine answered');
    expect(r.stderr).toContain('unix:///nonexistent/docker.sock (DOCKER_HOST): no such socket');
    expect(r.stderr).toMatch(/Hint: DOCKER_HOST is set/);
    expect(r.stderr).not.toMatch(noStack);
  });

  it('says where to look when there is no marketplace.json here', async () => {
    const r = await rehearsal(['up'], { cwd: '/tmp' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('there is no marketplace.json in /tmp');
  });

  it('treats usage errors as exit 2 and help as exit 0', async () => {
    expect((await rehearsal(['--help'])).exitCode).toBe(0);
    expect((await rehearsal(['frobnicate'])).exitCode).toBe(2);
    expect((await rehearsal(['scale', 'x', 'three'])).exitCode).toBe(2);
  });
});
