import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageModeFromEnv, nodeImage } from '../../sandbox/images/catalogue.js';
import { rehearsal, tempDir } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();

// A tiny app on the sandbox's Node.js image: /health answers 200 only when the database the
// sandbox bound to its variable answers (Redis: AUTH with the sandbox secret, then PING).
const REDIS_PROBE = `const http=require('http'),net=require('net');const u=new URL(process.env.REDIS_URL);
http.createServer((q,s)=>{const c=net.connect(+u.port,u.hostname);let b='';const t=setTimeout(()=>{c.destroy();if(!s.writableEnded){s.statusCode=503;s.end('timeout')}},1000);
c.on('data',d=>{b+=d;if(b.includes('+PONG')){clearTimeout(t);s.end('ok');c.end()}});c.on('error',()=>{clearTimeout(t);if(!s.writableEnded){s.statusCode=503;s.end('down')}});
c.write('AUTH '+u.password+'\\r\\nPING\\r\\n')}).listen(8080);process.on('SIGTERM',()=>process.exit(0));`;
const ECHO_URL = `require('http').createServer((q,s)=>s.end(process.env.DATABASE_URL.split(':')[0])).listen(8080);process.on('SIGTERM',()=>process.exit(0));`;

function project(
  id: string,
  kind: string,
  variable: string,
  script: string,
): { dir: string; remove: () => void } {
  const t = tempDir();
  const declaration = {
    marketplace_url: 'https://marketplace.example',
    product: {
      uuid: '00000000-0000-4000-8000-000000000001',
      facts: { name: `Probe ${kind}` },
      build: {
        uuid: '00000000-0000-4000-8000-000000000002',
        binary: { registry: 'local', image: nodeImage(imageModeFromEnv()) },
        dependency: [],
      },
    },
    configuration: [
      {
        default: true,
        task: [
          {
            id: '00000000-0000-4000-8000-000000000003',
            configuration_id: '00000000-0000-4000-8000-000000000004',
            label: 'Probe',
            memory_maximum: 128,
            instances_minimum: 1,
            instances_maximum: 3,
            ports: [8080],
            options: ['-e', script],
            environment: [{ key: variable, description: 'the database', required: true }],
          },
        ],
      },
    ],
    provenance: [],
  };
  mkdirSync(t.dir, { recursive: true });
  writeFileSync(join(t.dir, 'marketplace.json'), JSON.stringify(declaration, null, 2));
  writeFileSync(
    join(t.dir, 'rehearsal.yaml'),
    `sandbox: { name: ${id} }\ndatabase: { kind: ${kind} }\nreplicas: 2\nhealth: { path: /health }\n`,
  );
  return t;
}

describe.skipIf(!engine)('databases other than PostgreSQL', () => {
  const cases = [
    { id: 'rt-redis', kind: 'redis', variable: 'REDIS_URL', script: REDIS_PROBE },
    { id: 'rt-mariadb', kind: 'mariadb', variable: 'DATABASE_URL', script: ECHO_URL },
  ];
  const projects = cases.map((c) => ({ ...c, p: project(c.id, c.kind, c.variable, c.script) }));

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
