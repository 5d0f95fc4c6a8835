import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageModeFromEnv, nodeImage } from '../../sandbox/images/catalogue.js';
import { tempDir } from './cli.js';

// A tiny app on the sandbox's Node.js image: /health answers 200 only when the database the
// sandbox bound to its variable answers (Redis: AUTH with the sandbox secret, then PING).
export const REDIS_PROBE = `const http=require('http'),net=require('net');const u=new URL(process.env.REDIS_URL);
http.createServer((q,s)=>{const c=net.connect(+u.port,u.hostname);let b='';const t=setTimeout(()=>{c.destroy();if(!s.writableEnded){s.statusCode=503;s.end('timeout')}},1000);
c.on('data',d=>{b+=d;if(b.includes('+PONG')){clearTimeout(t);s.end('ok');c.end()}});c.on('error',()=>{clearTimeout(t);if(!s.writableEnded){s.statusCode=503;s.end('down')}});
c.write('AUTH '+u.password+'\\r\\nPING\\r\\n')}).listen(8080);process.on('SIGTERM',()=>process.exit(0));`;
/** Answers the scheme of its DATABASE_URL (`mysql`, `postgres`): the binding, seen from inside. */
export const ECHO_URL = `require('http').createServer((q,s)=>s.end(process.env.DATABASE_URL.split(':')[0])).listen(8080);process.on('SIGTERM',()=>process.exit(0));`;

/** One probe declaration per database kind, as the Docker tests use them. */
export const DATABASE_PROBES = {
  postgres: { variable: 'DATABASE_URL', script: ECHO_URL },
  mariadb: { variable: 'DATABASE_URL', script: ECHO_URL },
  redis: { variable: 'REDIS_URL', script: REDIS_PROBE },
} as const;

/** A folder with a declaration of one probe task (2 replicas) bound to a database of `kind`. */
export function databaseProbeProject(
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
