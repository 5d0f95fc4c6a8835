import { afterAll, describe, expect, it } from 'vitest';
import { rehearsal } from '../helpers/cli.js';
import { databaseProbeProject, DATABASE_PROBES } from '../helpers/database-probe.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();

describe.skipIf(!engine)('databases other than PostgreSQL', () => {
  const cases = [
    { id: 'rt-redis', kind: 'redis', ...DATABASE_PROBES.redis },
    { id: 'rt-mariadb', kind: 'mariadb', ...DATABASE_PROBES.mariadb },
  ];
  const projects = cases.map((c) => ({
    ...c,
    p: databaseProbeProject(c.id, c.kind, c.variable, c.script),
  }));

  afterAll(async () => {
    for (const c of projects) {
      if (engine) await removeSandbox(engine, c.id);
      c.p.remove();
    }
  });

  it.each(projects)(
    '$kind: healthy, bound to the task by convention, removed by down --volumes',
    async (c) => {
      const up = await rehearsal(['up', '--detach'], { cwd: c.p.dir });
      expect(up.exitCode, up.stderr).toBe(0);
      const status = JSON.parse(
        (await rehearsal(['status', '--json'], { cwd: c.p.dir })).stdout,
      ) as {
        replicas: { service: string; health: string; urls: Record<string, string> }[];
      };
      expect(status.replicas.map((r) => `${r.service}:${r.health}`).sort()).toEqual([
        'database:healthy',
        'probe:healthy',
        'probe:healthy',
        'proxy:healthy',
      ]);
      if (c.kind === 'mariadb') {
        const url = status.replicas.find((r) => r.service === 'probe')!.urls['8080']!;
        expect(await (await fetch(url)).text()).toBe('mysql');
      }
      expect((await rehearsal(['down', '--volumes'], { cwd: c.p.dir })).exitCode).toBe(0);
      expect(await labelled(engine!, c.id)).toEqual({ containers: [], networks: [], volumes: [] });
    },
  );
});
