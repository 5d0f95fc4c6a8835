import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeModel, composeYaml } from '../../../sandbox/plan/compose.js';
import { interpolate } from '../../../sandbox/plan/interpolate.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import { loadedDeclaration } from '../../helpers/loaded.js';

const env = {
  key: 'DATABASE_URL',
  description: 'db',
  required: true,
  location: { file: 'f', line: 1, column: 1, pointer: '' },
};
const plan = createPlan(loadedDeclaration({ tasks: [{ environment: [env] }] }), {
  cwd: '/w',
  imageMode: 'official',
  randomSecret: () => 'TOPSECRET',
});

describe('compose model', () => {
  it('has one service per task plus the database, with labels, limits and 127.0.0.1 ports', () => {
    const m = composeModel(plan) as {
      services: Record<string, Record<string, unknown>>;
      volumes: Record<string, unknown>;
      networks: unknown;
    };
    expect(Object.keys(m.services)).toEqual(['database', 'proxy', 'task-0']);
    const t = m.services['task-0']!;
    expect(t.ports).toEqual(['127.0.0.1::8080']);
    expect(t.deploy).toEqual({ replicas: 3, resources: { limits: { memory: '256M' } } });
    expect(t.mem_limit).toBe(268435456);
    expect(t.depends_on).toEqual({
      database: { condition: 'service_healthy' },
      proxy: { condition: 'service_healthy' },
    });
    expect(t.labels).toMatchObject({
      'dev.rehearsal.sandbox': 'example-service',
      'dev.rehearsal.role': 'task',
    });
    expect(m.volumes).toEqual({
      'database-data': { name: 'example-service_database-data', labels: expect.any(Object) },
    });
    expect(m.services.database!.healthcheck).toMatchObject({ interval: '2s', retries: 60 });
  });

  it('gives every service a health check compose v2 can wait on', () => {
    const m = composeModel(plan) as { services: Record<string, Record<string, unknown>> };
    for (const [name, s] of Object.entries(m.services))
      expect(s.healthcheck, name).toMatchObject({ test: expect.any(Array) });
    const proxy = m.services.proxy!.healthcheck as { test: string[] };
    expect(proxy.test[1]).toContain('http://127.0.0.1:8444/healthz');
    const task = m.services['task-0']!.healthcheck as { test: string[] };
    expect(task.test[1]).toContain('http://127.0.0.1:8080/');
  });

  it("adds the host files' group to services that bind-mount a private file", () => {
    const m = composeModel(plan, { filesGid: 1234 }) as {
      services: Record<string, Record<string, unknown>>;
    };
    expect(m.services.proxy!.group_add).toEqual(['1234']);
    expect(m.services.proxy!.volumes).toContain(
      './proxy/tls/key.pem:/etc/rehearsal/tls/key.pem:ro',
    );
    // A task reads only the public CA files.
    expect(m.services['task-0']!.group_add).toBeUndefined();
    const none = composeModel(plan, { filesGid: undefined }) as typeof m;
    expect(none.services.proxy!.group_add).toBeUndefined();
  });

  it('names in its header the files it bind-mounts', () => {
    const yaml = composeYaml(plan, { filesGid: 0 });
    expect(yaml).toContain('up -d --wait');
    expect(yaml).toMatch(/# It bind-mounts files beside it: .*proxy\/tls\/key\.pem/);
  });

  it('never writes a secret into the YAML', () => {
    const yaml = composeYaml(plan);
    expect(yaml).not.toContain('TOPSECRET');
    expect(yaml).toContain('${REHEARSAL_DB_PASSWORD}');
    expect(parse(yaml)).toEqual(composeModel(plan));
  });
});

describe('interpolate', () => {
  it('resolves ${X}, $X and $$ like compose', () => {
    expect(interpolate('a${P}b $P $$P', { P: 'x' })).toBe('axb x $P');
  });
  it('says what to do when a secret is missing', () => {
    expect(() => interpolate('${NOPE}', {})).toThrow(/secret NOPE is missing/);
  });
});
