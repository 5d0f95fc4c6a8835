import { describe, expect, it } from 'vitest';
import { UserError } from '../../../sandbox/errors.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { loadedDeclaration } from '../../helpers/loaded.js';

const taskOf = (plan: Plan) => plan.services.find((s) => s.role === 'task')!;
const opts = { cwd: '/work', imageMode: 'official' as const, randomSecret: () => 'S3CRET' };
const env = (key: string, extra: object = {}) => ({
  key,
  description: `${key} var`,
  required: true,
  location: { file: 'f', line: 1, column: 1, pointer: '' },
  ...extra,
});

describe('createPlan', () => {
  it('plans 3 replicas clamped to the declared bounds, memory in bytes, database first', () => {
    const plan = createPlan(
      loadedDeclaration({ tasks: [{ instancesMinimum: 1, instancesMaximum: 2 }] }),
      opts,
    );
    expect(plan.sandboxId).toBe('example-service');
    expect(plan.services.map((s) => s.name)).toEqual(['database', 'proxy', 'task-0']);
    const task = taskOf(plan);
    expect(task.replicas).toBe(2);
    expect(plan.notes.join()).toMatch(/runs 2 replicas/);
    expect(task.memoryBytes).toBe(256 * 1024 * 1024);
    expect(task.dependsOn).toEqual(['database', 'proxy']);
    expect(task.stopGraceSeconds).toBe(60);
    expect(plan.stateDir).toBe('/work/.rehearsal/example-service');
  });

  it('raises the default to instances_minimum', () => {
    const plan = createPlan(
      loadedDeclaration({ tasks: [{ instancesMinimum: 4, instancesMaximum: undefined }] }),
      opts,
    );
    expect(taskOf(plan).replicas).toBe(4);
  });

  it('refuses an explicit replica count outside the bounds', () => {
    expect(() => createPlan(loadedDeclaration(), { ...opts, replicas: 9 })).toThrow(UserError);
    expect(() => createPlan(loadedDeclaration(), { ...opts, replicas: 9 })).toThrow(
      /outside its declared bounds 1..6/,
    );
  });

  it('binds DATABASE_URL by convention and keeps the secret out of the value', () => {
    const plan = createPlan(
      loadedDeclaration({ tasks: [{ environment: [env('DATABASE_URL')] }] }),
      opts,
    );
    expect(taskOf(plan).environment.DATABASE_URL).toBe(
      'postgres://rehearsal:${REHEARSAL_DB_PASSWORD}@database:5432/app',
    );
    expect(plan.secrets).toEqual({
      REHEARSAL_DB_PASSWORD: 'S3CRET',
      REHEARSAL_ADMIN_TOKEN: 'S3CRET',
    });
    expect(plan.unbound).toEqual([]);
  });

  it('keeps existing secrets so the database volume stays usable', () => {
    const plan = createPlan(loadedDeclaration(), {
      ...opts,
      secrets: { REHEARSAL_DB_PASSWORD: 'OLD' },
    });
    expect(plan.secrets.REHEARSAL_DB_PASSWORD).toBe('OLD');
  });

  it('uses defaults, escapes $ in literals, and lists required variables it cannot bind', () => {
    const loaded = loadedDeclaration({
      tasks: [
        {
          environment: [
            env('MODE', { required: false, default: 'a$b' }),
            env('API_KEY'),
            env('OPTIONAL', { required: false }),
          ],
        },
      ],
    });
    const plan = createPlan(loaded, opts);
    expect(taskOf(plan).environment.MODE).toBe('a$$b');
    expect(taskOf(plan).environment.OPTIONAL).toBeUndefined();
    expect(plan.unbound).toEqual([
      { service: 'task-0', key: 'API_KEY', description: 'API_KEY var' },
    ]);
  });

  it('lets --env win over rehearsal.yaml env and over defaults', () => {
    const loaded = loadedDeclaration({
      tasks: [{ environment: [env('MODE', { required: false, default: 'x' })] }],
      taskOverlays: { 'task-0': { env: { MODE: 'overlay' } } },
    });
    expect(taskOf(createPlan(loaded, opts)).environment.MODE).toBe('overlay');
    expect(taskOf(createPlan(loaded, { ...opts, env: { MODE: 'flag' } })).environment.MODE).toBe(
      'flag',
    );
  });

  it('refuses a binding to a database the sandbox does not have', () => {
    const loaded = loadedDeclaration({
      database: { kind: 'none' },
      tasks: [{ environment: [env('STORE')] }],
      taskOverlays: { 'task-0': { bind: { STORE: 'database.url' } } },
    });
    expect(() => createPlan(loaded, opts)).toThrow(/has no database/);
  });

  it("binds edge.url to the task's own origin through the TLS edge; a literal wins", () => {
    const loaded = loadedDeclaration({
      tasks: [{ environment: [env('PUBLIC_URL')] }],
      taskOverlays: { 'task-0': { bind: { PUBLIC_URL: 'edge.url' }, healthPath: '/health' } },
    });
    const plan = createPlan(loaded, { ...opts, proxyPort: 9443 });
    expect(taskOf(plan).environment.PUBLIC_URL).toBe('https://task-0.rehearsal.localhost:9443');
    expect(plan.unbound).toEqual([]);
    expect(
      taskOf(createPlan(loaded, { ...opts, env: { PUBLIC_URL: 'https://mine' } })).environment
        .PUBLIC_URL,
    ).toBe('https://mine');
  });

  it('plans cron tasks with no replicas and no ports', () => {
    const plan = createPlan(
      loadedDeclaration({ tasks: [{}, { name: 'nightly', cron: '0 0 * * *' }] }),
      opts,
    );
    const cron = plan.services.find((s) => s.name === 'nightly')!;
    expect(cron).toMatchObject({ role: 'cron', replicas: 0, ports: [], cron: '0 0 * * *' });
    expect(cron.probe).toBeUndefined();
  });

  it('uses offline images when asked, and the profile stop budget', () => {
    const loaded = loadedDeclaration({ database: { kind: 'redis' } });
    loaded.overlay.profile = 'hl7-hsp-r2';
    const plan = createPlan(loaded, { ...opts, imageMode: 'offline' });
    expect(plan.services[0]!.image).toEqual({
      tag: 'rehearsal-offline/redis:7',
      offlineBase: true,
    });
    expect(taskOf(plan).stopGraceSeconds).toBe(15);
  });

  it('names the sandbox from rehearsal.yaml when given, and passes options as arguments', () => {
    const plan = createPlan(
      loadedDeclaration({ sandboxName: 'demo', tasks: [{ options: ['--mode', 'pro$'] }] }),
      opts,
    );
    expect(plan.sandboxId).toBe('demo');
    expect(taskOf(plan).command).toEqual(['--mode', 'pro$$']);
  });

  it('refuses a task with no image anywhere', () => {
    expect(() => createPlan(loadedDeclaration({ image: '' }), opts)).toThrow(/has no image/);
  });
});

describe('the TLS edge in the plan', () => {
  it('puts one proxy in front of the HTTP tasks, on 127.0.0.1:8443, with every hostname as an alias', () => {
    const plan = createPlan(
      loadedDeclaration({ tasks: [{ name: 'api' }, { name: 'worker', ports: [] }] }),
      opts,
    );
    expect(plan.proxy).toEqual({
      service: 'proxy',
      port: 8443,
      adminPort: 8444,
      routes: [{ host: 'api.rehearsal.localhost', service: 'api', port: 8080 }],
    });
    const proxy = plan.services.find((s) => s.role === 'proxy')!;
    expect(proxy.aliases).toEqual(['api.rehearsal.localhost']);
    expect(proxy.hostPorts).toEqual({ 8443: 8443 });
    expect(proxy.files?.find((f) => f.target === '/etc/rehearsal/tls/key.pem')).toMatchObject({
      mode: 0o400,
    });
  });

  it('injects the local CA into every task, so the vendor changes nothing', () => {
    const plan = createPlan(loadedDeclaration(), { ...opts, proxyPort: 9443 });
    const t = taskOf(plan);
    expect(t.environment).toMatchObject({
      NODE_EXTRA_CA_CERTS: '/etc/rehearsal/ca/root.pem',
      SSL_CERT_FILE: '/etc/rehearsal/ca/bundle.pem',
      REQUESTS_CA_BUNDLE: '/etc/rehearsal/ca/bundle.pem',
      CURL_CA_BUNDLE: '/etc/rehearsal/ca/bundle.pem',
    });
    expect(t.files?.map((f) => f.target)).toContain('/etc/rehearsal/ca/root.pem');
    expect(plan.proxy?.port).toBe(9443);
  });

  it('has no proxy when no task serves HTTP', () => {
    const plan = createPlan(loadedDeclaration({ tasks: [{ ports: [] }] }), opts);
    expect(plan.proxy).toBeUndefined();
    expect(plan.services.map((s) => s.role)).toEqual(['database', 'task']);
  });
});
