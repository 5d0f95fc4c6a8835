import { describe, expect, it } from 'vitest';
import { ensureCollector } from '../../../sandbox/checks/facts/traces.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import { loadedDeclaration } from '../../helpers/loaded.js';

const opts = { cwd: '/work', imageMode: 'official' as const, randomSecret: () => 'S3CRET' };
const declared = (key: string, required = false) => ({
  key,
  description: `${key} var`,
  required,
  location: { file: 'f', line: 1, column: 1, pointer: '' },
});

describe('the trace collector in a plan', () => {
  it('is not started by `up` when no task asks for it', () => {
    const plan = createPlan(loadedDeclaration(), opts);
    expect(plan.services.map((s) => s.name)).not.toContain('collector');
  });

  it('is started when a task declares OTEL_EXPORTER_OTLP_ENDPOINT, which receives its URL', () => {
    const plan = createPlan(
      loadedDeclaration({
        tasks: [{ environment: [declared('OTEL_EXPORTER_OTLP_ENDPOINT', true)] }],
      }),
      opts,
    );
    const collector = plan.services.find((s) => s.name === 'collector')!;
    expect(collector).toMatchObject({
      role: 'collector',
      command: ['node', '/app/collector.mjs'],
      image: { tag: 'rehearsal/runtime:0.1.0' },
      ports: [4318, 4319],
    });
    const task = plan.services.find((s) => s.role === 'task')!;
    expect(task.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(task.dependsOn).toContain('collector');
    expect(plan.unbound).toEqual([]);
  });

  it('fills the variable rehearsal.yaml binds (collector.traces_endpoint), and a literal value wins', () => {
    const plan = createPlan(
      loadedDeclaration({
        tasks: [{}, {}],
        taskOverlays: {
          'task-0': { bind: { TRACES_URL: 'collector.traces_endpoint' } },
          'task-1': { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://mine:4318' } },
        },
      }),
      opts,
    );
    const [t0, t1] = plan.services.filter((s) => s.role === 'task');
    expect(t0!.environment.TRACES_URL).toBe('http://collector:4318/v1/traces');
    expect(t1!.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://mine:4318');
  });

  it('is always in the check sandbox, OTEL_EXPORTER_OTLP_ENDPOINT by default', () => {
    const loaded = loadedDeclaration();
    const plan = createPlan(loaded, opts);
    ensureCollector(plan, loaded);
    ensureCollector(plan, loaded);
    expect(plan.services.filter((s) => s.name === 'collector')).toHaveLength(1);
    expect(plan.services.find((s) => s.role === 'task')!.environment).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
  });
});
