#!/usr/bin/env node
// Benchmark: who brings a killed replica back faster, Swarm or Rehearsal's own supervisor?
// The reference service (3 replicas, PostgreSQL) runs once as a stack on a single-node swarm
// (`up --engine swarm`: Swarm replaces a killed task) and once on plain Docker (Rehearsal's
// supervisor replaces it), each under 20 req/s through the TLS edge with N SIGKILLs 20 s apart;
// printed: kill → replacement healthy and kill → replacement serving through the edge, per engine,
// and their ratio.
// Usage: npm run bench:swarm [-- --kills N]   (REHEARSAL_IMAGES=offline without a registry; the
// edge listens on REHEARSAL_PROXY_PORT, default 8443). Starts a swarm (127.0.0.1) when the engine
// is not in one and leaves it again at the end; removes both sandboxes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const { values } = parseArgs({ options: { kills: { type: 'string', default: '4' } } });
const KILLS = Math.max(1, Number(values.kills));
const GAP_S = 20;

const docker = (args) => execa('docker', args, { reject: false, stdin: 'ignore' });

/** A project folder for one engine: the reference declaration under its own sandbox name. */
function project(id) {
  const dir = mkdtempSync(join(tmpdir(), `rehearsal-bench-${id}-`));
  writeFileSync(
    join(dir, 'marketplace.json'),
    readFileSync(join(ROOT, 'templates/reference-service/marketplace.json')),
  );
  writeFileSync(
    join(dir, 'rehearsal.yaml'),
    `sandbox: { name: ${id} }\nreplicas: 3\ndatabase: { kind: postgres, version: "16" }\n` +
      `tasks:\n  "Patient API":\n    name: patient-api\n    health: { path: /health, port: 8080 }\n    bind: { DATABASE_URL: database.url }\n`,
  );
  const scenario = Array.from(
    { length: KILLS },
    (_, i) => `- { at: ${5 + i * GAP_S}s, action: kill, target: ${i} }`,
  ).join('\n');
  writeFileSync(join(dir, 'kills.yaml'), `${scenario}\n`);
  return dir;
}

/** Runs the kills on one engine and returns the kill actions of its report. */
async function killsOn(engine, dir) {
  const r = await execa(
    'node',
    [
      CLI,
      'chaos',
      '--engine',
      engine,
      '--scenario',
      'kills.yaml',
      '--duration',
      String(10 + KILLS * GAP_S),
      '--rps',
      '20',
      '--json',
    ],
    { cwd: dir, env: process.env, reject: false },
  );
  if (!r.stdout.trim())
    throw new Error(`chaos on ${engine} gave no report (exit ${r.exitCode}):\n${r.stderr}`);
  return JSON.parse(r.stdout).actions.filter((a) => a.action.kind === 'kill');
}

const mean = (xs) => {
  const v = xs.filter((x) => x !== undefined);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
};
const seconds = (ms) => (ms / 1000).toFixed(1);
const row = (label, kills) =>
  `${label.padEnd(32)} healthy ${kills.map((k) => seconds(k.replacementHealthyMs ?? NaN)).join(', ')} s (mean ${seconds(mean(kills.map((k) => k.replacementHealthyMs)))} s); ` +
  `serving ${kills.map((k) => seconds(k.replacementServingMs ?? NaN)).join(', ')} s (mean ${seconds(mean(kills.map((k) => k.replacementServingMs)))} s); ` +
  `failed requests per kill ${mean(kills.map((k) => k.failedRequests)).toFixed(1)}`;

const state = (await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
const initialised = state !== 'active';
if (initialised) {
  const r = await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  if (r.exitCode !== 0) throw new Error(`docker swarm init failed: ${r.stderr}`);
}
const swarmDir = project(`bench-swarm-${process.pid}`);
const dockerDir = project(`bench-docker-${process.pid}`);
try {
  const up = await execa('node', [CLI, 'up', '--engine', 'swarm'], {
    cwd: swarmDir,
    reject: false,
  });
  if (up.exitCode !== 0) throw new Error(`up --engine swarm failed:\n${up.stderr}`);
  const swarm = await killsOn('swarm', swarmDir);
  await execa('node', [CLI, 'down', '--engine', 'swarm', '--volumes'], {
    cwd: swarmDir,
    reject: false,
  });
  const plain = await killsOn('docker', dockerDir);
  console.log(
    `${KILLS} SIGKILLs ${GAP_S} s apart under 20 req/s, 3 replicas of the reference service:`,
  );
  console.log(row('Swarm (replaces the task):', swarm));
  console.log(row("Rehearsal's supervisor (Docker):", plain));
  const ratio = (key) =>
    (mean(swarm.map((k) => k[key])) / mean(plain.map((k) => k[key]))).toFixed(1);
  console.log(
    `Swarm / Rehearsal: ×${ratio('replacementHealthyMs')} to a healthy replacement, ×${ratio('replacementServingMs')} to one serving through the edge`,
  );
} finally {
  await execa('node', [CLI, 'down', '--engine', 'swarm', '--volumes'], {
    cwd: swarmDir,
    reject: false,
  });
  await execa('node', [CLI, 'down', '--volumes'], { cwd: dockerDir, reject: false });
  if (initialised) await docker(['swarm', 'leave', '--force']);
  rmSync(swarmDir, { recursive: true, force: true });
  rmSync(dockerDir, { recursive: true, force: true });
}
