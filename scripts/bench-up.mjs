#!/usr/bin/env node
// Benchmark: time from `rehearsal up` to all healthy, against creating and starting the same
// containers with plain `docker run` (baseline) in the same script. Prints medians and the ratio.
// Usage: npm run bench:up [-- --runs 3]   (REHEARSAL_IMAGES=offline where no registry is reachable)
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { httpProbe } from '../dist/sandbox/net/http-probe.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3) || 3;
const offline = process.env.REHEARSAL_IMAGES === 'offline';
const POSTGRES = offline ? 'rehearsal-offline/postgres:15' : 'postgres:16';
const APP = 'rehearsal/reference-service:0.1.0';
const ID = 'bench-up';
const LABEL = 'dev.rehearsal.bench=1';

const docker = (...args) => execa('docker', args);

async function rehearsalRun(dir) {
  const t0 = performance.now();
  await execa('node', [CLI, 'up', '--detach'], { cwd: dir, env: process.env });
  const ms = performance.now() - t0;
  await execa('node', [CLI, 'down', '--volumes'], { cwd: dir, env: process.env });
  return ms;
}

async function healthyDocker(name) {
  for (;;) {
    const { stdout } = await docker('inspect', '--format', '{{.State.Health.Status}}', name);
    if (stdout.trim() === 'healthy') return;
    await sleep(250);
  }
}

async function healthyHttp(name) {
  const { stdout } = await docker('port', name, '8080/tcp');
  const port = stdout.split('\n')[0].split(':').pop();
  for (;;) {
    const r = await httpProbe(`http://127.0.0.1:${port}/health`, 2000);
    if (r.status === 200) return;
    await sleep(250);
  }
}

async function plainDockerRun() {
  const password = 'benchpassword';
  const t0 = performance.now();
  await docker('network', 'create', '--label', LABEL, 'bench-plain');
  await docker('volume', 'create', '--label', LABEL, 'bench-plain-data');
  await docker(
    'run',
    '-d',
    '--name',
    'bench-plain-db',
    '--label',
    LABEL,
    '--network',
    'bench-plain',
    '--network-alias',
    'database',
    '-e',
    'POSTGRES_USER=rehearsal',
    '-e',
    `POSTGRES_PASSWORD=${password}`,
    '-e',
    'POSTGRES_DB=app',
    '-v',
    'bench-plain-data:/var/lib/postgresql/data',
    '-p',
    '127.0.0.1::5432',
    '--health-cmd',
    'pg_isready -q -U rehearsal -d app -h 127.0.0.1',
    '--health-interval',
    '2s',
    '--health-start-period',
    '5s',
    '--health-retries',
    '60',
    POSTGRES,
  );
  await healthyDocker('bench-plain-db');
  const names = [1, 2, 3].map((n) => `bench-plain-api-${n}`);
  await Promise.all(
    names.map((name) =>
      docker(
        'run',
        '-d',
        '--name',
        name,
        '--label',
        LABEL,
        '--network',
        'bench-plain',
        '-e',
        `DATABASE_URL=postgres://rehearsal:${password}@database:5432/app`,
        '-e',
        'PORT=8080',
        '-e',
        'LOG_LEVEL=info',
        '-m',
        '256m',
        '--memory-swap',
        '256m',
        '-p',
        '127.0.0.1::8080',
        APP,
      ),
    ),
  );
  await Promise.all(names.map(healthyHttp));
  const ms = performance.now() - t0;
  await cleanupPlain();
  return ms;
}

async function cleanupPlain() {
  const { stdout } = await docker('ps', '-aq', '--filter', `label=${LABEL}`);
  if (stdout.trim()) await docker('rm', '-f', ...stdout.trim().split('\n'));
  await execa('docker', ['network', 'rm', 'bench-plain'], { reject: false });
  await execa('docker', ['volume', 'rm', 'bench-plain-data'], { reject: false });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-'));
try {
  cpSync(join(ROOT, 'templates/reference-service/marketplace.json'), join(dir, 'marketplace.json'));
  writeFileSync(
    join(dir, 'rehearsal.yaml'),
    `sandbox: { name: ${ID} }\ndatabase: { kind: postgres }\ntasks:\n  "Patient API":\n    name: patient-api\n    replicas: 3\n    health: { path: /health, port: 8080 }\n    bind: { DATABASE_URL: database.url }\n`,
  );
  await cleanupPlain();
  // Warm-up: images present and page cache warm for both paths.
  await rehearsalRun(dir);
  const r = [];
  const p = [];
  for (let i = 0; i < runs; i++) {
    p.push(await plainDockerRun());
    r.push(await rehearsalRun(dir));
  }
  const mr = median(r);
  const mp = median(p);
  console.log(
    `runs: ${runs} each, images: ${offline ? 'offline' : 'official'}, 1 PostgreSQL + 3 reference-service replicas`,
  );
  console.log(
    `plain docker run (baseline): median ${(mp / 1000).toFixed(2)} s  [${p.map((x) => (x / 1000).toFixed(2)).join(', ')}]`,
  );
  console.log(
    `rehearsal up --detach:       median ${(mr / 1000).toFixed(2)} s  [${r.map((x) => (x / 1000).toFixed(2)).join(', ')}]`,
  );
  console.log(`ratio rehearsal / docker run: ${(mr / mp).toFixed(2)} (target <= 1.3)`);
} finally {
  await cleanupPlain();
  await execa('node', [CLI, 'down', '--volumes', '--sandbox', ID], { cwd: dir, reject: false });
  rmSync(dir, { recursive: true, force: true });
}
