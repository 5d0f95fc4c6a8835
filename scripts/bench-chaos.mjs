#!/usr/bin/env node
// Benchmark of chaos under traffic, on the reference service (4 replicas, PostgreSQL):
//   1. the requests/s the traffic generator sustains through the TLS edge (no faults);
//   2. failed requests per SIGKILL, and the time from a kill to its replacement serving
//      traffic (five kills, 20 s apart, under 40 req/s).
// Usage: npm run bench:chaos   (REHEARSAL_IMAGES=offline without a registry; the edge listens on
// REHEARSAL_PROXY_PORT, default 8443). Removes its sandbox at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const ID = `bench-chaos-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-chaos-'));

const cli = (args, options = {}) =>
  execa('node', [CLI, ...args], { cwd: dir, env: process.env, reject: false, ...options });

async function chaos(name, scenario, args) {
  writeFileSync(join(dir, name), scenario);
  const r = await cli(['chaos', '--scenario', name, '--json', ...args]);
  if (!r.stdout.trim()) throw new Error(`chaos gave no report (exit ${r.exitCode}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

try {
  writeFileSync(
    join(dir, 'marketplace.json'),
    readFileSync(join(ROOT, 'templates/reference-service/marketplace.json')),
  );
  writeFileSync(
    join(dir, 'rehearsal.yaml'),
    `sandbox: { name: ${ID} }\ndatabase: { kind: postgres }\n` +
      `tasks:\n  "Patient API":\n    name: patient-api\n    replicas: 4\n    health: { path: /health, port: 8080 }\n    bind: { DATABASE_URL: database.url }\n`,
  );
  const up = await cli(['up', '--detach']);
  if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stderr}`);

  // 1. Throughput: ask for far more than the sandbox can serve; a short pause keeps the run a
  // chaos run (a scenario needs one action) without failing anything.
  const load = await chaos('load.yaml', '- { at: 14s, action: pause, hold: 200ms }\n', [
    '--duration',
    '15',
    '--rps',
    '5000',
  ]);
  // 2. Kills, far enough apart that each recovers before the next.
  const kills = await chaos(
    'kills.yaml',
    [5, 25, 45, 65, 85].map((s, i) => `- { at: ${s}s, action: kill, target: ${i} }`).join('\n') +
      '\n',
    ['--duration', '100', '--rps', '40'],
  );
  const k = kills.actions.filter((a) => a.action.kind === 'kill');
  const serving = k.map((a) => a.replacementServingMs).filter((x) => x !== undefined);
  const avg = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  console.log(
    `traffic generator through the edge: ${load.traffic.rps} req/s (p50 ${load.traffic.p50Ms} ms, p99 ${load.traffic.p99Ms} ms, errors ${JSON.stringify(load.traffic.errors)})`,
  );
  console.log(
    `SIGKILL under 40 req/s: ${k.length} kills, failed requests per kill ${k.map((a) => a.failedRequests).join(', ')} (mean ${avg(k.map((a) => a.failedRequests)).toFixed(1)})`,
  );
  console.log(
    `kill → replacement serving: ${serving.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s (mean ${(avg(serving) / 1000).toFixed(1)} s); recovered (all healthy) after ${k.map((a) => (a.recoveredMs / 1000).toFixed(1)).join(', ')} s`,
  );
  console.log(
    `writes: ${kills.traffic.acknowledgedWrites} acknowledged, ${kills.traffic.lostWrites} lost`,
  );
} finally {
  await cli(['down', '--volumes']);
  rmSync(dir, { recursive: true, force: true });
}
