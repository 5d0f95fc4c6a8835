import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import { examplesDir, fixturesDir, scratch } from './helpers.js';

describe('real marketplace.json examples', () => {
  it('loads the CDS Hooks example: two tasks, phrase cron normalised, deviations as warnings', async () => {
    const file = path.join(examplesDir, 'cds-hooks.product.build.json');
    const { declaration, overlay, taskOverlays, warnings } = await loadDeclaration({ file });

    expect(declaration.shape).toBe('configuration');
    expect(declaration.sha256).toBe(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    );
    expect(declaration.product).toMatchObject({
      name: 'Example Opioid Prescribing CDS Service',
      image: 'p3000/marketplace-product-build-example-cds-hooks:latest',
    });
    expect(declaration.tasks.map((t) => t.name)).toEqual([
      'opioid-prescribing-support-smart-on-fhir',
      'opioid-prescribing-restart',
    ]);
    const [app, restart] = declaration.tasks;
    expect(app).toMatchObject({
      memoryMinimumMiB: 128,
      memoryMaximumMiB: 256,
      instancesMinimum: 1,
      ports: [80],
      options: [],
    });
    expect(app?.instancesMaximum).toBeUndefined();
    expect(app?.environment.map((e) => e.key)).toEqual([
      'OPENTELEMETRY_COLLECTOR_URL',
      'LOGGING',
      'FIREBASE',
    ]);
    expect(app?.environment[0]).toMatchObject({ required: true, pattern: 'https?://.+' });
    expect(restart).toMatchObject({ cron: '0 0 * * *', ports: [80] });
    expect(restart?.configurationId).toBeUndefined();
    expect(overlay).toMatchObject({
      profile: 'hspc-2016',
      database: { kind: 'postgres' },
      tasks: {},
    });
    expect(Object.keys(taskOverlays)).toEqual([
      'opioid-prescribing-support-smart-on-fhir',
      'opioid-prescribing-restart',
    ]);

    expect(warnings.every((w) => w.severity === 'warning')).toBe(true);
    const at = (pointer: string) => warnings.find((w) => w.location.pointer === pointer);
    expect(at('/product/facts/pricing/2/kind')?.message).toMatch(/"maintenance" is not one of/);
    expect(at('/product/facts/pricing/2/kind')?.location.line).toBe(52);
    expect(at('/configuration/0/task/1/id')?.message).toMatch(/not a valid uuid/);
    expect(at('/configuration/0/task/1/configuration_id')?.message).toMatch(
      /missing "configuration_id"/,
    );
    expect(at('/configuration/0/task/1/cron')).toMatchObject({
      message: expect.stringMatching(/"At 00:00" read as "0 0 \* \* \*"/),
      location: { line: 157 },
    });
  });

  it('loads the SMART example: one task, non-UUID id a warning', async () => {
    const { declaration, warnings } = await loadDeclaration({
      file: 'smart.product.build.json',
      cwd: examplesDir,
    });
    expect(declaration.tasks).toHaveLength(1);
    const [task] = declaration.tasks;
    expect(task).toMatchObject({
      name: 'my-smart-application',
      memoryMinimumMiB: 128,
      memoryMaximumMiB: 256,
      ports: [80],
      instancesMinimum: 1,
    });
    expect(task?.environment.find((e) => e.key === 'CLIENT_SCOPES')?.default).toMatch(
      /^launch patient/,
    );
    expect(task?.cron).toBeUndefined();
    expect(
      warnings.some(
        (w) => w.location.pointer === '/configuration/0/task/0/id' && /uuid/.test(w.message),
      ),
    ).toBe(true);
  });
});

describe('earlier-ballot shape', () => {
  it('reads a top-level tasks array and skips the official schema with one warning', async () => {
    const { declaration, warnings } = await loadDeclaration({
      file: path.join(fixturesDir, 'earlier-ballot.json'),
    });
    expect(declaration.shape).toBe('tasks');
    expect(declaration.configurationIndex).toBe(0);
    expect(declaration.product).toMatchObject({
      name: 'Patient Portal',
      image: 'example/patient-portal:2.1',
    });
    expect(declaration.tasks.map((t) => t.name)).toEqual([
      'patient-portal-web',
      'patient-portal-web-2',
    ]);
    expect(declaration.tasks[0]).toMatchObject({
      instancesMinimum: 2,
      instancesMaximum: 4,
      ports: [8080, 8443],
      options: ['--mode', 'production'],
      memoryMaximumMiB: 512,
    });
    expect(declaration.tasks[1]).toMatchObject({ cron: '30 2 * * 1-5', ports: [] });
    const skipped = warnings.filter((w) =>
      /official Marketplace schema check is skipped/.test(w.message),
    );
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.location.line).toBe(14);
    expect(warnings.filter((w) => w.message.startsWith('official Marketplace schema ('))).toEqual(
      [],
    );
  });
});

describe('an overlay using every setting', () => {
  it('maps and merges defaults with each task entry', async () => {
    const dir = path.join(fixturesDir, 'full-overlay');
    const { declaration, overlay, taskOverlays } = await loadDeclaration({
      file: 'marketplace.json',
      cwd: dir,
    });

    expect(declaration.configurationIndex).toBe(1);
    expect(declaration.tasks.map((t) => t.name)).toEqual(['api', 'nightly-worker']);
    expect(declaration.tasks[1]?.cron).toBe('0 0 * * *');
    expect(overlay).toMatchObject({
      file: path.join(dir, 'rehearsal.yaml'),
      profile: 'hl7-hsp-r2',
      sandboxName: 'clinic',
      database: { kind: 'mariadb', version: '11' },
      defaults: {
        image: 'demo/clinic:2',
        healthPath: '/health',
        smokeCommand: ['npm', 'run', 'smoke'],
      },
    });
    expect(overlay.tasks['Patient API']?.location.line).toBe(13);
    expect(overlay.defaults).toHaveProperty('sso', true);

    expect(taskOverlays).toEqual({
      api: {
        name: 'api',
        image: 'demo/clinic:2',
        replicas: 3,
        healthPath: '/healthz',
        httpPort: 9090,
        smokeCommand: ['npm', 'run', 'smoke'],
        scimPath: '/scim/v2',
        sso: true,
        bind: { DATABASE_URL: 'database.url', DB_HOST: 'database.host' },
        env: { LOG_LEVEL: 'warn' },
      },
      'nightly-worker': {
        image: 'demo/clinic:2',
        replicas: 0,
        healthPath: '/health',
        smokeCommand: ['node', 'check.js'],
        sso: true,
        bind: { DATABASE_URL: 'database.url' },
        env: { LOG_LEVEL: 'debug' },
      },
    });
  });

  it('accepts "database: none" as a string', async () => {
    const dir = await scratch({
      'marketplace.json': await readFile(path.join(fixturesDir, 'earlier-ballot.json')),
      'rehearsal.yml': 'database: none\n',
    });
    const { overlay } = await loadDeclaration({ file: 'marketplace.json', cwd: dir });
    expect(overlay.database).toEqual({ kind: 'none' });
    expect(overlay.file).toBe(path.join(dir, 'rehearsal.yml'));
  });
});
