import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatherFacts } from '../../sandbox/checks/facts/gather.js';
import type { Facts } from '../../sandbox/checks/facts/types.js';
import { judge } from '../../sandbox/checks/run.js';
import type { Report } from '../../sandbox/checks/types.js';
import { imageModeFromEnv, notesServiceImage } from '../../sandbox/images/catalogue.js';
import { down } from '../../sandbox/sandbox/down.js';
import { ensureImage } from '../../sandbox/sandbox/images.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import { editFile, ROOT, rehearsal, tempDir } from '../helpers/cli.js';
import { removeSandbox, testEngine } from '../helpers/engine.js';

/**
 * The second reference service (Python + PostgreSQL, templates/notes-service), judged as a
 * vendor's service: the compliant build passes every MUST under both profiles, and each fault of
 * its catalogue fails exactly its own requirement, found through the journeys its rehearsal.yaml
 * declares. Faults that come up share one sandbox; the two that cannot come up get one each.
 */
const engine = await testEngine();
const NOTES = join(ROOT, 'templates/notes-service');
const OFFLINE = { REHEARSAL_IMAGES: process.env.REHEARSAL_IMAGES ?? 'offline' };

/** Each fault, its variable, and the one requirement it must fail ('' for none). */
const CATALOGUE: { task: string; env?: string; fails: string; replicas?: number }[] = [
  { task: 'compliant', fails: '', replicas: 2 },
  // Request bodies in the log: caught through the declared write journey's {patient_name}.
  { task: 'log-body', env: 'NAUGHTY_LOG_BODY', fails: 'no-phi-in-logs' },
  // Two replicas, so a session issued by one is presented to the other.
  {
    task: 'memory-sessions',
    env: 'NAUGHTY_MEMORY_SESSIONS',
    fails: 'dynamically-scalable',
    replicas: 2,
  },
  { task: 'log-file', env: 'NAUGHTY_LOG_FILE', fails: 'logging-no-files' },
  { task: 'local-data', env: 'NAUGHTY_LOCAL_DATA', fails: 'ephemeral' },
  { task: 'two-processes', env: 'NAUGHTY_SECOND_PROCESS', fails: 'single-process' },
  { task: 'ignores-sigterm', env: 'NAUGHTY_IGNORE_SIGTERM', fails: 'stoppable' },
  { task: 'fixed-host', env: 'NAUGHTY_FIXED_HOST', fails: 'dns-agnostic' },
  // NAUGHTY_MEMORY_HOG is left out: in one CI run of 2 it was not OOM-killed (nor seen past 80 % of
  // its limit) while observed, so Compute constrained passed; until the hog's timing is understood
  // it would make this test fail by chance. The reference catalogue's no-memory-limit task keeps
  // Compute constrained proven to fail.
  { task: 'phone-home', env: 'NAUGHTY_PHONE_HOME', fails: 'good-citizen' },
];
/** Faults that keep a sandbox from coming up: one sandbox each (`up` stops at the first). */
const NOT_UP = [
  { task: 'tls-port', env: 'NAUGHTY_TLS_PORT', fails: 'unencrypted' },
  { task: 'no-schema', env: 'NAUGHTY_NO_SCHEMA', fails: 'self-bootstrapped' },
];

/** The notes service's own traffic block, as its rehearsal.yaml declares it. */
const TRAFFIC = readFileSync(join(NOTES, 'rehearsal.yaml'), 'utf8')
  .split('\n')
  .slice(
    readFileSync(join(NOTES, 'rehearsal.yaml'), 'utf8')
      .split('\n')
      .findIndex((l) => l.trim() === 'traffic:'),
  )
  .join('\n');

/** One declaration with a task per fault, each with the notes service's overlay. */
function project(name: string, faults: { task: string; env?: string; replicas?: number }[]) {
  const t = tempDir('rehearsal-notes-');
  const declaration = JSON.parse(readFileSync(join(NOTES, 'marketplace.json'), 'utf8')) as {
    configuration: { task: Record<string, unknown>[] }[];
  };
  const base = declaration.configuration[0]!.task[0]!;
  declaration.configuration[0]!.task = faults.map((f, i) => ({
    ...base,
    id: `notes-${f.task}`,
    label: f.task,
    configuration_id: `notes-config-${i}`,
    instances_minimum: f.replicas ?? 1,
    instances_maximum: f.replicas ?? 1,
  }));
  writeFileSync(join(t.dir, 'marketplace.json'), JSON.stringify(declaration, null, 2));
  const tasks = faults.map(
    (f) =>
      `  ${f.task}:\n    name: ${f.task}\n    health: { path: /health, port: 8080 }\n    smoke: { command: [/usr/bin/python3, /app/smoke.py] }\n    bind: { DATABASE_URL: database.url }${f.env ? `\n    env: { ${f.env}: "1" }` : ''}\n${TRAFFIC.trimEnd()}`,
  );
  writeFileSync(
    join(t.dir, 'rehearsal.yaml'),
    `sandbox: { name: ${name} }\nprofile: hl7-hsp-r2\ndatabase: { kind: postgres }\ntasks:\n${tasks.join('\n')}\n`,
  );
  return t;
}

/** Gathers one sandbox's facts (no chaos phase) and removes it; times each step. */
async function observe(name: string, faults: typeof CATALOGUE, budgetMs?: number) {
  const dir = project(name, faults);
  made.push(dir);
  const { plan, loaded } = await planFromDeclaration({
    cwd: dir.dir,
    imageMode: imageModeFromEnv(),
    proxyPort: 20000 + Math.floor(Math.random() * 20000),
  });
  const t0 = Date.now();
  try {
    const facts = await gatherFacts(plan, {
      engine: engine!,
      emit: (e) => {
        if (e.type === 'check.step')
          steps.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${e.text}`);
      },
      loaded,
      requests: 40,
      ...(budgetMs ? { bootstrapBudgetMs: budgetMs } : {}),
    });
    return facts;
  } finally {
    await down(plan.sandboxId, { engine: engine!, emit: () => undefined, volumes: true });
    timings.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

/** Each fault's task judged alone; a row of the table, and what went wrong. */
function judgeTask(facts: Facts, c: { task: string; fails: string }, table: string[]) {
  const task = facts.tasks.find((t) => t.service.name === c.task)!;
  const results = judge({ ...facts, tasks: [task] }).filter(
    (r) => c.task === 'compliant' || r.id !== 'horizontally-scaled',
  );
  const failed = results.filter((r) => r.verdict === 'fail').map((r) => r.id);
  // The compliant build fails SHOULDs it does not offer (OpenTelemetry): a fault may too.
  if (c.task === 'compliant') for (const id of failed) compliantFails.add(id);
  const mustFailed = results.filter((r) => r.verdict === 'fail' && r.severity === 'MUST');
  const extra =
    c.task === 'compliant'
      ? mustFailed.map((r) => r.id)
      : failed.filter((id) => id !== c.fails && !compliantFails.has(id));
  table.push(
    `${c.task.padEnd(16)} expected ${(c.fails || '(none)').padEnd(22)} failed ${failed.join(', ') || '(none)'}`,
  );
  const wrong =
    (c.fails && !failed.includes(c.fails)) || extra.length > 0
      ? `${c.task}: ${results
          .filter((r) => r.verdict === 'fail')
          .map((r) => `${r.id}: ${r.why}`)
          .join(' | ')}`
      : undefined;
  return { results, wrong };
}

const made: { remove: () => void }[] = [];
const steps: string[] = [];
const timings: string[] = [];
const compliantFails = new Set<string>();

describe.skipIf(!engine)('rehearsal check on the notes service (Python, PostgreSQL)', () => {
  afterAll(async () => {
    for (const id of ['rt-notes-check', 'rt-notes', 'rt-notes-tls', 'rt-notes-empty'])
      await removeSandbox(engine!, id);
    for (const m of made) m.remove();
    console.log(`Notes service, where the time went:\n${timings.join('\n')}`);
  }, 120_000);

  it('passes the compliant build on every MUST under both profiles, chaos phase included', async () => {
    const t0 = Date.now();
    await ensureImage(engine!, notesServiceImage(imageModeFromEnv()), () => undefined);
    timings.push(`image ready: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const dir = tempDir('rehearsal-notes-check-');
    made.push(dir);
    cpSync(NOTES, dir.dir, { recursive: true });
    editFile(
      join(dir.dir, 'rehearsal.yaml'),
      'sandbox: { name: notes }',
      'sandbox: { name: rt-notes }',
    );
    const t1 = Date.now();
    const r = await rehearsal(['check', '--report', 'out', '--ci'], {
      cwd: dir.dir,
      env: OFFLINE,
      timeoutMs: 480_000,
    });
    timings.push(
      `compliant, rehearsal check with chaos: ${((Date.now() - t1) / 1000).toFixed(0)} s`,
    );
    console.log(`The notes service under rehearsal check:\n${r.stdout}`);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const report = JSON.parse(readFileSync(join(dir.dir, 'out', 'report.json'), 'utf8')) as Report;
    expect(report.summary.mustFailed).toBe(0);
    expect(report.profiles?.map((p) => [p.profile, p.summary.mustFailed])).toEqual([
      ['hl7-hsp-r2', 0],
    ]);
    // Decided by the declared journeys: writes read back, sessions across replicas, PHI search.
    for (const id of ['incorruptible', 'dynamically-scalable', 'ephemeral', 'no-phi-in-logs'])
      expect(report.results.find((x) => x.id === id)?.verdict, id).toBe('pass');
    for (const x of report.results.filter((y) => y.verdict === 'fail')) compliantFails.add(x.id);
  }, 600_000);

  it('fails exactly the requirement each fault breaks, and holds the others', async () => {
    const facts = await observe('rt-notes', CATALOGUE);
    expect(facts.bootstrap, facts.bootstrap.error).toMatchObject({ ok: true });
    const table: string[] = [];
    const wrong: string[] = [];
    for (const c of CATALOGUE) {
      const { results, wrong: w } = judgeTask(facts, c, table);
      if (w) wrong.push(w);
      if (c.task === 'log-body') {
        const phi = results.find((r) => r.id === 'no-phi-in-logs')!;
        expect(phi.evidence.join('\n')).toContain('the declared journeys carry the canaries');
        expect(phi.why).toMatch(/logged synthetic PHI: .*\[patient_name\]/);
        expect(phi.why).not.toContain(facts.canary);
      }
    }
    let tlsWhy: string | undefined;
    for (const c of NOT_UP) {
      const f = await observe(`rt-notes-${c.task === 'tls-port' ? 'tls' : 'empty'}`, [c], 20_000);
      expect(f.bootstrap.ok).toBe(false);
      const { results, wrong: w } = judgeTask(f, c, table);
      if (w) wrong.push(w);
      if (c.task === 'tls-port') tlsWhy = results.find((r) => r.id === 'unencrypted')?.why;
    }
    console.log(`Notes catalogue:\n${table.join('\n')}\nSteps:\n${steps.join('\n')}`);
    // The certificate's subject is the evidence, though the image's own health check failed.
    expect(tlsWhy).toContain('CN=notes.vendor.example');
    expect(wrong).toEqual([]);
  }, 600_000);
});
