import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseJunit } from 'junit2json';
import { afterAll, describe, expect, it } from 'vitest';
import { gatherFacts } from '../../sandbox/checks/facts/gather.js';
import { REPORT_SCHEMA } from '../../sandbox/checks/report/schema.js';
import { judge } from '../../sandbox/checks/run.js';
import type { Report } from '../../sandbox/checks/types.js';
import { REFERENCE_SERVICE_IMAGE, referenceServiceImage } from '../../sandbox/images/catalogue.js';
import { ensureImage } from '../../sandbox/sandbox/images.js';
import { down } from '../../sandbox/sandbox/down.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import { imageModeFromEnv } from '../../sandbox/images/catalogue.js';
import { STOP_BUDGET_SECONDS } from '../../sandbox/plan/plan.js';
import { imageWithArchitecture } from '../helpers/architecture.js';
import { editFile, REFERENCE, ROOT, rehearsal, tempDir } from '../helpers/cli.js';
import { trustingChromium } from '../helpers/chromium.js';
import { removeSandbox, testEngine } from '../helpers/engine.js';

/**
 * `rehearsal check`: the reference service passes every MUST and its reports are valid; every
 * packaging fault of the naughty catalogue fails exactly its own check, shown as a table.
 */
const engine = await testEngine();
const OFFLINE = { REHEARSAL_IMAGES: process.env.REHEARSAL_IMAGES ?? 'offline' };

/** A copy of the reference service's declaration and overlay (smoke test included). */
function referenceCopy(name: string, identity = true) {
  const t = tempDir('rehearsal-check-');
  cpSync(join(REFERENCE, 'marketplace.json'), join(t.dir, 'marketplace.json'));
  const overlay = readFileSync(join(REFERENCE, 'rehearsal.yaml'), 'utf8')
    .replace('sandbox: { name: demo }', `sandbox: { name: ${name} }`)
    // Single sign-on and SCIM on, as a vendor whose service offers them would declare.
    .replace(
      '    bind: { DATABASE_URL: database.url }',
      `    bind: { DATABASE_URL: database.url }${identity ? '\n    sso: true\n    login: { path: /me }\n    scim: { path: /scim/v2 }' : ''}`,
    );
  writeFileSync(join(t.dir, 'rehearsal.yaml'), overlay);
  return t;
}

/** The reference service's image, as if built for arm64 only (test/helpers/architecture.ts). */
const ARM64 = 'rehearsal-test/naughty-arm64:1';

/** Each fault, the variable or image that switches it on, and the one check it must fail. */
const CATALOGUE: {
  task: string;
  /** Another kind than web: the same image run with the option of that role. */
  kind?: 'worker' | 'initialization';
  env?: Record<string, string>;
  image?: string;
  fails: string;
  /** Takes part in single sign-on (login page /me) / serves SCIM at /scim/v2. */
  sso?: boolean;
  scim?: boolean;
  /** Judged under this profile instead of the sandbox's (hl7-hsp-r2). */
  profile?: 'hspc-2016';
}[] = [
  { task: 'compliant', sso: true, scim: true, fails: '' },
  { task: 'log-file', env: { NAUGHTY_LOG_FILE: '1' }, fails: 'logging-no-files' },
  { task: 'log-phi', env: { NAUGHTY_LOG_PHI: '1' }, fails: 'no-phi-in-logs' },
  { task: 'fixed-host', env: { NAUGHTY_FIXED_HOST: '1' }, fails: 'dns-agnostic' },
  { task: 'two-processes', env: { NAUGHTY_SECOND_PROCESS: '1' }, fails: 'single-process' },
  // Declares no memory_maximum: the engine runs it unconstrained. (NAUGHTY_MEMORY_HOG, which
  // grows into its limit, is OOM-killed, so it fails the checks a dead replica fails as well.)
  { task: 'no-memory-limit', fails: 'compute-constrained' },
  {
    task: 'broken-smoke',
    env: { NAUGHTY_BROKEN_METADATA: '1' },
    fails: 'programmatically-verifiable',
  },
  { task: 'ignores-sigterm', env: { NAUGHTY_IGNORE_SIGTERM: '1' }, fails: 'stoppable' },
  { task: 'no-trace-context', env: { NAUGHTY_NO_TRACE_CONTEXT: '1' }, fails: 'profilable' },
  { task: 'phone-home', env: { NAUGHTY_PHONE_HOME: '1' }, fails: 'good-citizen' },
  // Reaches outside only until it is healthy, before the capture starts: good citizen holds.
  { task: 'needs-internet', env: { NAUGHTY_NEEDS_INTERNET: '1' }, fails: 'offline-friendly' },
  { task: 'volume', image: 'rehearsal-test/naughty-volume:1', fails: 'ephemeral' },
  { task: 'data-payload', image: 'rehearsal-test/naughty-payload:1', fails: 'no-data-payloads' },
  { task: 'tls-port', env: { NAUGHTY_TLS_PORT: '1' }, fails: 'unencrypted' },
  { task: 'local-login', env: { NAUGHTY_LOCAL_LOGIN: '1' }, sso: true, fails: 'sso-aware' },
  { task: 'scim-quirks', env: { NAUGHTY_SCIM_QUIRKS: '1' }, scim: true, fails: 'provisionable' },
  // HSP R2 makes other architectures optional (a warning); the 2016 document does not.
  { task: 'arm64', image: ARM64, fails: 'x86-64', profile: 'hspc-2016' },
  // The session-expiry worker (no port), ignoring SIGTERM: judged without HTTP.
  {
    task: 'worker-sigterm',
    kind: 'worker',
    env: { NAUGHTY_IGNORE_SIGTERM: '1' },
    fails: 'stoppable',
  },
  // The migration, run to completion before the others, leaving data on its own disk.
  {
    task: 'init-disk',
    kind: 'initialization',
    env: { NAUGHTY_INIT_LOCAL_FILE: '1' },
    fails: 'ephemeral',
  },
];

/** The reference image's option that runs each other kind (templates/reference-service/roles.mjs). */
const ROLE = { worker: 'expire-sessions', initialization: 'migrate' } as const;

/** Tiny images over the reference service: one declares a VOLUME, one bundles a data file. */
const DERIVED: Record<string, string> = {
  'rehearsal-test/naughty-volume:1': `FROM ${REFERENCE_SERVICE_IMAGE}\nVOLUME /app/data\n`,
  'rehearsal-test/naughty-payload:1': `FROM ${REFERENCE_SERVICE_IMAGE}\nUSER root\nRUN head -c 62914560 /dev/urandom > /app/patients.ndjson\nUSER node\n`,
};

/** One declaration with a task per fault, all from the reference service's image. */
function catalogueProject(name: string) {
  const t = tempDir('rehearsal-naughty-');
  // Two replicas of the compliant task, one of each fault: twenty replicas (and their health
  // checks) would swamp a 2-core machine. Horizontally scaled is judged on the compliant task.
  const task = (label: string, kind?: 'worker' | 'initialization') => ({
    id: `naughty-${label}`,
    label,
    memory_minimum: 64,
    ...(label === 'no-memory-limit' ? {} : { memory_maximum: 256 }),
    instances_minimum: label === 'compliant' ? 2 : 1,
    instances_maximum: label === 'compliant' ? 2 : 1,
    options: kind ? ['node', '/app/server.mjs', `--role=${ROLE[kind]}`] : [],
    ports: kind ? [] : [8080],
    environment: [
      { key: 'DATABASE_URL', required: true, description: 'PostgreSQL URL' },
      ...['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'SCIM_TOKEN'].map((key) => ({
        key,
        required: false,
        description: 'single sign-on and provisioning, when the sandbox offers them',
      })),
    ],
  });
  const declaration = {
    product: {
      uuid: '00000000-0000-4000-8000-000000000001',
      build: {
        uuid: '00000000-0000-4000-8000-000000000002',
        binary: { image: REFERENCE_SERVICE_IMAGE },
        dependency: [],
      },
      facts: { name: 'Naughty catalogue' },
    },
    configuration: [{ default: true, task: CATALOGUE.map((c) => task(c.task, c.kind)) }],
  };
  writeFileSync(join(t.dir, 'marketplace.json'), JSON.stringify(declaration, null, 2));
  const tasks = CATALOGUE.map((c) => {
    // The declaration names one image for the product; a task's own image is an overlay setting.
    const image = c.image ? `\n    image: ${c.image}` : '';
    const env = c.env
      ? `\n    env: { ${Object.entries(c.env)
          .map(([k, v]) => `${k}: "${v}"`)
          .join(', ')} }`
      : '';
    const identity =
      (c.sso ? '\n    sso: true\n    login: { path: /me }' : '') +
      (c.scim ? '\n    scim: { path: /scim/v2 }' : '');
    const http = c.kind
      ? `\n    kind: ${c.kind}`
      : '\n    health: { path: /health, port: 8080 }\n    smoke: { command: [node, /app/smoke.mjs] }';
    return `  ${c.task}:\n    name: ${c.task}${http}\n    bind: { DATABASE_URL: database.url }${image}${env}${identity}`;
  });
  writeFileSync(
    join(t.dir, 'rehearsal.yaml'),
    `sandbox: { name: ${name} }\nprofile: hl7-hsp-r2\ndatabase: { kind: postgres }\ntasks:\n${tasks.join('\n')}\n`,
  );
  return t;
}

describe.skipIf(!engine)('rehearsal check', () => {
  const made: { remove: () => void }[] = [];
  afterAll(async () => {
    for (const id of ['rt-check-check', 'rt-naughty', 'rt-setup-check', 'rt-runtime-check'])
      await removeSandbox(engine!, id);
    for (const tag of [...Object.keys(DERIVED), ARM64]) await engine!.removeImage(tag);
    for (const m of made) m.remove();
  }, 120_000);

  it('passes the reference service on every MUST; the JSON, JUnit and HTML reports are valid', async () => {
    const project = referenceCopy('rt-check');
    made.push(project);
    const r = await rehearsal(['check', '--report', 'out'], {
      cwd: project.dir,
      env: OFFLINE,
      timeoutMs: 600_000,
    });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const out = join(project.dir, 'out');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const ajv = new Ajv2020({ allErrors: true });
    addFormats.default(ajv);
    const valid = ajv.validate(REPORT_SCHEMA, report);
    expect(ajv.errors ?? [], 'report.json against its schema').toEqual([]);
    expect(valid).toBe(true);
    const musts = report.results.filter((x) => x.severity === 'MUST');
    expect(musts.filter((x) => x.verdict === 'fail')).toEqual([]);
    for (const id of [
      'containerized',
      'ephemeral',
      'programmatically-verifiable',
      'horizontally-scaled',
      'dns-agnostic',
      'unencrypted',
      'compute-constrained',
      'x86-64',
      'self-bootstrapped',
      'stoppable',
      'logging-no-files',
      'no-phi-in-logs',
      'no-data-payloads',
      'not-hardware-dependent',
      // Decided by the chaos phase: up to 6 and down to 2 replicas, two SIGKILLs, replace-all.
      'dynamically-scalable',
      'incorruptible',
      // A headless OIDC login through the edge; the SCIM suite.
      'sso-aware',
      'provisionable',
      // Traces with the edge's trace ids; no connection out; healthy with no route out.
      'profilable',
      'good-citizen',
      'offline-friendly',
    ])
      expect(report.results.find((x) => x.id === id)?.verdict, id).toBe('pass');
    // The same facts under the other profile: every MUST holds there too, and the report says so.
    expect(report.profiles?.map((p) => [p.profile, p.summary.mustFailed])).toEqual([
      ['hl7-hsp-r2', 0],
    ]);
    expect(r.stdout).toMatch(/^Under hl7-hsp-r2: .*0 MUST/m);
    expect(readFileSync(join(out, 'chaos-patient-api.jsonl'), 'utf8')).toMatch(/"journal.end"/);
    // Every verdict other than pass says why.
    for (const x of report.results) if (x.verdict !== 'pass') expect(x.why, x.id).toBeTruthy();

    const junit = await parseJunit(readFileSync(join(out, 'junit.xml'), 'utf8'));
    expect(junit).toMatchObject({ tests: report.results.length, failures: 0 });

    const browser = await trustingChromium(join(project.dir, '.rehearsal', 'rt-check-check'));
    try {
      const page = await browser.browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${join(out, 'report.html')}`);
      expect(await page.locator('details').count()).toBe(report.results.length);
      expect(await page.locator('svg').count()).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /^# Rehearsal check: Rehearsal Reference Patient Service/,
    );
  }, 600_000);

  it('fails exactly the check each packaging fault breaks, and holds the others', async () => {
    // The derived images start from the current reference image: build it first if it is stale.
    await ensureImage(engine!, referenceServiceImage(imageModeFromEnv()), () => undefined);
    for (const [tag, dockerfile] of Object.entries(DERIVED)) {
      const ctx = tempDir('rehearsal-derived-');
      made.push(ctx);
      writeFileSync(join(ctx.dir, 'Dockerfile'), dockerfile);
      await engine!.buildImage(
        { tag, context: ctx.dir, dockerfile: 'Dockerfile', files: ['Dockerfile'], buildArgs: {} },
        () => undefined,
      );
    }
    imageWithArchitecture(REFERENCE_SERVICE_IMAGE, ARM64, 'arm64');
    const project = catalogueProject('rt-naughty');
    made.push(project);
    const { plan, loaded } = await planFromDeclaration({
      cwd: project.dir,
      imageMode: imageModeFromEnv(),
      proxyPort: 20000 + Math.floor(Math.random() * 20000),
    });
    let facts;
    // Where the time goes, printed with the table: the catalogue is the suite's longest test.
    const t0 = Date.now();
    const steps: string[] = [];
    try {
      facts = await gatherFacts(plan, {
        engine: engine!,
        emit: (e) => {
          if (e.type === 'check.step')
            steps.push(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${e.text}`);
        },
        loaded,
        requests: 40,
      });
    } finally {
      await down(plan.sandboxId, { engine: engine!, emit: () => undefined, volumes: true });
    }
    expect(facts.bootstrap).toMatchObject({ ok: true });
    const table: string[] = [];
    const wrong: string[] = [];
    const compliant = facts.tasks.find((t) => t.service.name === 'compliant')!;
    for (const c of CATALOGUE) {
      // An initialization task has no replicas of its own: it is judged beside the compliant
      // task, on what it did before the others started.
      const task =
        c.kind === 'initialization'
          ? compliant
          : facts.tasks.find((t) => t.service.name === c.task)!;
      const initialization = (facts.initialization ?? []).filter((i) => i.service.name === c.task);
      const profile = c.profile
        ? { profile: c.profile, stopBudgetSeconds: STOP_BUDGET_SECONDS[c.profile] }
        : {};
      // Each task alone: its own tasks' facts, its own login and SCIM suite.
      const own = <T extends { service: string }>(list: T[] | undefined) =>
        (list ?? []).filter((x) => x.service === task.service.name);
      const identity = { sso: own(facts.identity?.sso), scim: own(facts.identity?.scim) };
      const results = judge({
        ...facts,
        ...profile,
        identity,
        initialization,
        tasks: [task],
      }).filter((r) => c.task === 'compliant' || r.id !== 'horizontally-scaled');
      const failed = results.filter((r) => r.verdict === 'fail').map((r) => r.id);
      table.push(
        `${c.task.padEnd(16)} expected ${(c.fails || '(none)').padEnd(28)} failed ${failed.join(', ') || '(none)'}`,
      );
      if (failed.join() !== c.fails)
        wrong.push(
          `${c.task}: ${
            results
              .filter((r) => r.verdict === 'fail')
              .map((r) => `${r.id}: ${r.why}`)
              .join(' | ') || 'nothing failed'
          }`,
        );
    }
    const offline = (facts.offline?.tasks ?? [])
      .map(
        (t) =>
          `${t.task} ${(t.ms / 1000).toFixed(1)} s${t.smoke ? `, smoke exit ${t.smoke.exitCode}` : ''}`,
      )
      .join('; ');
    console.log(
      `Naughty catalogue (one sandbox, a task per fault):\n${table.join('\n')}\nSteps:\n${steps.join('\n')}\nOffline, healthy after: ${offline}\nAll facts in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    expect(wrong).toEqual([]);
    const arm = facts.tasks.find((t) => t.service.name === 'arm64')!;
    expect(
      judge({ ...facts, tasks: [arm] }).find((r) => r.id === 'x86-64')?.verdict,
      'HSP R2 makes another architecture a warning',
    ).toBe('warn');
  }, 600_000);

  it("passes Rehearsal's own runtime image (its identity provider entry point) on every MUST", async () => {
    const project = tempDir('rehearsal-runtime-check-');
    made.push(project);
    cpSync(join(ROOT, 'templates/runtime/check'), project.dir, { recursive: true });
    editFile(
      join(project.dir, 'rehearsal.yaml'),
      'sandbox: { name: runtime }',
      'sandbox: { name: rt-runtime }',
    );
    const r = await rehearsal(['check', '--report', 'out', '--ci'], {
      cwd: project.dir,
      env: OFFLINE,
      timeoutMs: 600_000,
    });
    console.log(`Rehearsal's runtime image under its own checks:\n${r.stdout}`);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const report = JSON.parse(
      readFileSync(join(project.dir, 'out', 'report.json'), 'utf8'),
    ) as Report;
    expect(report.results.filter((x) => x.severity === 'MUST' && x.verdict === 'fail')).toEqual([]);
    for (const id of [
      'containerized',
      'programmatically-verifiable',
      'horizontally-scaled',
      'single-process',
      'dns-agnostic',
      'unencrypted',
      'compute-constrained',
      'self-bootstrapped',
      'stoppable',
      'logging-no-files',
      'no-phi-in-logs',
      'no-data-payloads',
      'not-hardware-dependent',
      'good-citizen',
      'offline-friendly',
      // Its spans continue the edge's traceparent (OTEL_EXPORTER_OTLP_ENDPOINT).
      'profilable',
    ])
      expect(report.results.find((x) => x.id === id)?.verdict, id).toBe('pass');
  }, 600_000);

  it('fails Self-bootstrapped when a service needs a manual step, and exits 1', async () => {
    const project = referenceCopy('rt-setup', false);
    made.push(project);
    editFile(
      join(project.dir, 'rehearsal.yaml'),
      '    bind: { DATABASE_URL: database.url }',
      '    bind: { DATABASE_URL: database.url }\n    env: { NAUGHTY_MANUAL_SETUP: "1" }',
    );
    const r = await rehearsal(['check', '--bootstrap-timeout', '25', '--ci'], {
      cwd: project.dir,
      env: OFFLINE,
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /FAIL +MUST +Self-bootstrapped — the sandbox did not become healthy by itself/,
    );
    // A failed MUST is the run's result on stdout (exit 1), not an error banner.
    expect(r.stdout).toMatch(/MUST requirement\(s\) failed: .*Self-bootstrapped/);
    expect(r.stderr).not.toMatch(/Error:/);
  });
});
