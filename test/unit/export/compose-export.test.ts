import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { standaloneComposeYaml } from '../../../sandbox/export/compose.js';
import { trustInjection } from '../../../sandbox/plan/edge.js';
import { planOf } from './declarations.js';

interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown>;
  profiles?: string[];
  deploy?: Record<string, unknown>;
}

async function model(name: Parameters<typeof planOf>[0]) {
  return parse(standaloneComposeYaml(await planOf(name))) as { services: Record<string, Service> };
}

describe('the stand-alone compose export', () => {
  it('keeps the tasks and the database, not the sandbox edge or its CA files', async () => {
    const { services } = await model('reference');
    expect(Object.keys(services).sort()).toEqual([
      'database',
      'migrate',
      'patient-api',
      'session-expiry',
    ]);
    const api = services['patient-api'];
    for (const key of Object.keys(trustInjection().environment))
      expect(api?.environment).not.toHaveProperty(key);
    expect(api?.volumes).toBeUndefined();
    expect(api?.depends_on).toEqual({
      database: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(api?.environment?.DATABASE_URL).toBe(
      'postgres://rehearsal:${REHEARSAL_DB_PASSWORD}@database:5432/app',
    );
  });

  it('gives every long-running service deploy keys: replicas, memory, restart, update, rollback', async () => {
    const { services } = await model('reference');
    expect(services['patient-api']?.deploy).toEqual({
      replicas: 3,
      resources: { limits: { memory: '256M' } },
      restart_policy: { condition: 'any', delay: '5s', window: '30s' },
      update_config: {
        parallelism: 1,
        delay: '10s',
        order: 'start-first',
        failure_action: 'rollback',
        monitor: '30s',
      },
      rollback_config: { parallelism: 1, delay: '0s', order: 'start-first', monitor: '30s' },
    });
    // Two databases must never share the volume, even for a moment.
    expect(services.database?.deploy).toMatchObject({
      replicas: 1,
      update_config: { order: 'stop-first' },
      rollback_config: { order: 'stop-first' },
    });
  });

  it('leaves a cron task out of `up` and never restarts it', async () => {
    const { services } = await model('cds-hooks');
    const cron = services['opioid-prescribing-restart'];
    expect(cron?.profiles).toEqual(['cron']);
    expect(cron?.deploy).toEqual({
      resources: { limits: { memory: '256M' } },
      restart_policy: { condition: 'none' },
    });
  });

  it('says how to run it and where its secrets come from, without any secret value', async () => {
    const plan = await planOf('reference');
    const yaml = standaloneComposeYaml(plan);
    expect(yaml).toMatch(
      /^# Run it without Rehearsal: docker compose -p demo -f <this file> up -d --wait$/m,
    );
    expect(yaml).toMatch(/reads REHEARSAL_DB_PASSWORD from the \.env file beside it/);
    for (const value of Object.values(plan.secrets)) expect(yaml).not.toContain(value);
  });
});
