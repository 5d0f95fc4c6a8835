import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxStatus } from '../../sandbox/sandbox/status.js';
import { rehearsal, tempDir } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();
const IMAGE = 'rehearsal/reference-service:0.1.0';
const env = {
  REHEARSAL_IMAGES: process.env.REHEARSAL_IMAGES ?? 'offline',
  // Its own TLS edge port, so a sandbox left running elsewhere (on 8443) does not get in the way.
  REHEARSAL_PROXY_PORT: String(20000 + Math.floor(Math.random() * 20000)),
};

describe.skipIf(!engine)('rehearsal init --yes on the reference image, without a terminal', () => {
  // Made in beforeAll, not here: a skipped suite still runs this body, and must leave nothing.
  let project = { dir: '', remove: () => undefined as void };
  let cwd = '';
  beforeAll(() => {
    project = tempDir('rehearsal-init-');
    cwd = project.dir;
  });
  const sandbox = `init-${randomBytes(3).toString('hex')}`;

  afterAll(async () => {
    await rehearsal(['down', '--volumes'], { cwd, env });
    if (engine) await removeSandbox(engine, sandbox);
    project.remove();
  }, 120_000);

  it('writes files that `validate` accepts', async () => {
    const r = await rehearsal(
      [
        'init',
        '--yes',
        '--image',
        IMAGE,
        '--database',
        'postgres',
        '--sandbox',
        sandbox,
        '--memory',
        '256',
      ],
      { cwd, env },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Wrote .*marketplace\.json, .*rehearsal\.yaml/);
    const doc = JSON.parse(readFileSync(join(cwd, 'marketplace.json'), 'utf8')) as {
      configuration: { task: { ports: number[]; memory_maximum: number }[] }[];
    };
    expect(doc.configuration[0]?.task[0]).toMatchObject({ ports: [8080], memory_maximum: 256 });
    expect(readFileSync(join(cwd, 'rehearsal.yaml'), 'utf8')).toMatch(
      /bind: \{ DATABASE_URL: database.url \}/,
    );

    const v = await rehearsal(['validate'], { cwd, env });
    expect(v.exitCode, v.stderr).toBe(0);
    expect(v.stderr).toBe(''); // not even a warning
  });

  it('refuses to overwrite them without --force, and replaces them with it', async () => {
    const again = await rehearsal(['init', '--yes', '--image', IMAGE, '--sandbox', sandbox], {
      cwd,
      env,
    });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already exist.*\n.*--force/);
    const forced = await rehearsal(
      [
        'init',
        '--yes',
        '--force',
        '--image',
        IMAGE,
        '--database',
        'postgres',
        '--sandbox',
        sandbox,
        '--memory',
        '256',
      ],
      { cwd, env },
    );
    expect(forced.exitCode, forced.stderr).toBe(0);
  });

  it('and `up --detach` runs them: every replica healthy', async () => {
    const up = await rehearsal(['up', '--detach'], { cwd, env });
    expect(up.exitCode, up.stderr).toBe(0);
    const s = JSON.parse(
      (await rehearsal(['status', '--json'], { cwd, env })).stdout,
    ) as SandboxStatus;
    expect(s.sandboxId).toBe(sandbox);
    const app = s.replicas.filter((r) => r.service === 'reference-service');
    expect(app).toHaveLength(3);
    for (const r of app) expect(r.health, `${r.container}: ${r.detail}`).toBe('healthy');
    const down = await rehearsal(['down', '--volumes'], { cwd, env });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labelled(engine!, sandbox)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
