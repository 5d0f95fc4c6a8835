import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import { answersFromFlags } from '../../../sandbox/init/answers.js';
import { checkProposal } from '../../../sandbox/init/check.js';
import { imageFacts } from '../../../sandbox/init/image-facts.js';
import { propose } from '../../../sandbox/init/propose.js';
import { existingFiles, writeProposal } from '../../../sandbox/init/write.js';
import { BARE_DETAILS, REFERENCE_DETAILS, fixed } from './fixtures.js';

const IMAGE = 'rehearsal/reference-service:0.1.0';
const facts = imageFacts(IMAGE, REFERENCE_DETAILS);
const reference = () =>
  propose(
    facts,
    answersFromFlags(facts, { database: 'postgres', sandbox: 'ref' }, { yes: true }),
    fixed,
  );

let dir = '';
beforeEach(() => {
  fixed.reset();
  dir = mkdtempSync(join(tmpdir(), 'rehearsal-init-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('propose', () => {
  it('writes the current format with one task, and loadDeclaration accepts it without a warning', async () => {
    const p = reference();
    for (const [name, text] of Object.entries(p.files)) writeFileSync(join(dir, name), text);
    const loaded = await loadDeclaration({ file: 'marketplace.json', cwd: dir });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.declaration.shape).toBe('configuration');
    const [task] = loaded.declaration.tasks;
    expect(task).toMatchObject({
      label: 'Rehearsal Reference Patient Service',
      name: 'reference-service',
      memoryMaximumMiB: 512,
      instancesMinimum: 2,
      instancesMaximum: 6,
      ports: [8080],
    });
    expect(task?.environment.map((v) => [v.key, v.required, v.default])).toEqual([
      ['NODE_ENV', false, 'production'],
      ['DATABASE_URL', true, undefined],
    ]);
    expect(loaded.overlay).toMatchObject({ sandboxName: 'ref', database: { kind: 'postgres' } });
    expect(loaded.taskOverlays['reference-service']).toMatchObject({
      healthPath: '/health',
      httpPort: 8080,
      bind: { DATABASE_URL: 'database.url' },
    });
  });

  it('is stable for fixed ids and clock', () => {
    expect(reference().files).toMatchSnapshot();
  });

  it('binds database-like variables of the image, adds no URL beside them, asks for empty ones', () => {
    const bare = imageFacts('vendor/app:2', BARE_DETAILS);
    const a = answersFromFlags(
      bare,
      { port: '9000' },
      { yes: true, extraVariables: [{ key: 'EXTRA' }] },
    );
    expect(a.database).toBe('postgres'); // guessed from PGHOST
    const p = propose(bare, a, fixed);
    const doc = JSON.parse(p.files['marketplace.json']) as {
      configuration: { task: { environment: { key: string; required: boolean }[] }[] }[];
    };
    const env = doc.configuration[0]!.task[0]!.environment;
    expect(env.map((v) => `${v.key}:${v.required}`)).toEqual([
      'PGHOST:true',
      'API_TOKEN:true',
      'LOG_LEVEL:false',
      'EXTRA:true',
    ]);
    expect(p.files['rehearsal.yaml']).toMatch(/bind: \{ PGHOST: database.host \}/);
  });
});

describe('checkProposal', () => {
  it('validates like `rehearsal validate` and previews the compose model with the target paths', async () => {
    const c = await checkProposal(reference(), { targetDir: dir, imageMode: 'official' });
    expect(c.problems).toEqual([]);
    expect(c.notes).toEqual([]);
    expect(c.compose).toContain(`Generated from ${join(dir, 'marketplace.json')}`);
    expect(c.compose).toMatch(/reference-service:\n\s+image: rehearsal\/reference-service:0.1.0/);
    expect(c.compose).toMatch(/mem_limit: 536870912/);
  });

  it('reports what the reader finds, located in the target folder', async () => {
    const p = reference();
    p.files['marketplace.json'] = p.files['marketplace.json'].replace(
      '"ports": [\n',
      '"ports": [\n 0,\n',
    );
    const c = await checkProposal(p, { targetDir: dir, imageMode: 'official' });
    expect(c.compose).toBeUndefined();
    expect(c.problems.find((x) => x.severity === 'error')).toMatchObject({
      message: expect.stringMatching(/port 0/),
      location: { file: join(dir, 'marketplace.json') },
    });
  });

  it('names a required variable without a value', async () => {
    const a = answersFromFlags(
      facts,
      { database: 'none' },
      { yes: true, extraVariables: [{ key: 'API_KEY' }] },
    );
    const c = await checkProposal(propose(facts, a, fixed), {
      targetDir: dir,
      imageMode: 'official',
    });
    expect(c.notes).toEqual([expect.stringMatching(/^API_KEY is required and has no value/)]);
  });
});

describe('writeProposal', () => {
  it('writes both files and never replaces one without force', async () => {
    const p = reference();
    const written = await writeProposal(dir, p, { force: false });
    expect(written).toEqual([join(dir, 'marketplace.json'), join(dir, 'rehearsal.yaml')]);
    writeFileSync(join(dir, 'marketplace.json'), '{"mine": true}');
    await expect(writeProposal(dir, p, { force: false })).rejects.toMatchObject({
      message: expect.stringMatching(/marketplace.json and rehearsal.yaml already exist/),
      hint: expect.stringMatching(/--force/),
    });
    expect(readFileSync(join(dir, 'marketplace.json'), 'utf8')).toBe('{"mine": true}');
    expect(await existingFiles(dir, p)).toEqual(['marketplace.json', 'rehearsal.yaml']);
    await writeProposal(dir, p, { force: true });
    expect(readFileSync(join(dir, 'marketplace.json'), 'utf8')).toBe(p.files['marketplace.json']);
  });
});
