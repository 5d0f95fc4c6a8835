#!/usr/bin/env node
// Rehearsal's own reliability, measured on the reference service (3 replicas, PostgreSQL, a
// WebSocket echo) with the built CLI, on 127.0.0.1 only, every loop bounded in count and time:
//   1. the CLI SIGKILLed at a random moment of `up` (×N), then `up` again and `down`;
//   2. the CLI SIGKILLed at a random moment of `chaos` (×N), then `up` again and `down`;
//   3. the CLI SIGKILLed during each fault kind (pause, disconnect, stop, scale, db-restart,
//      replace-all), then `up` again;
//   4. one long chaos run of at least 150 actions of every kind.
// After each re-`up` it counts paused and disconnected containers, duplicate replicas and the
// replica count against the plan; after each `down`, whatever is still labelled with the sandbox
// (containers, networks, volumes). It prints each figure with what it is expected to be.
// Usage: npm run soak [-- --up-kills 10 --chaos-kills 10 --actions 150 --seed N]
// (REHEARSAL_IMAGES=offline without a registry; the edge listens on REHEARSAL_PROXY_PORT,
// default 39443 here). Removes its sandbox at the end, and on Ctrl-C.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const { findEngine } = await import(join(ROOT, 'dist/sandbox/engine/find-engine.js'));
const { LABEL } = await import(join(ROOT, 'dist/sandbox/labels.js'));

const { values: args } = parseArgs({
  options: {
    'up-kills': { type: 'string', default: '10' },
    'chaos-kills': { type: 'string', default: '10' },
    actions: { type: 'string', default: '150' },
    seed: { type: 'string' },
  },
});
const UP_KILLS = Number(args['up-kills']);
const CHAOS_KILLS = Number(args['chaos-kills']);
const ACTIONS = Number(args.actions);
const SEED = Number(args.seed ?? Math.floor(Math.random() * 2 ** 31));
const ID = `soak-${process.pid}`;
const SERVICE = 'patient-api';
const PLANNED = 3;
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-soak-'));
const stateDir = join(dir, '.rehearsal', ID);
const env = { ...process.env, REHEARSAL_PROXY_PORT: process.env.REHEARSAL_PROXY_PORT ?? '39443' };
const engine = await findEngine();
const started = Date.now();

// One seeded generator for every random moment, so a run can be told apart and repeated.
let state = SEED >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (lo, hi) => lo + random() * (hi - lo);

const cli = (argv, options = {}) =>
  execa('node', [CLI, ...argv], {
    cwd: dir,
    env,
    reject: false,
    stdin: 'ignore',
    timeout: 900_000,
    ...options,
  });
const must = async (argv) => {
  const r = await cli(argv);
  if (r.exitCode !== 0)
    throw new Error(`rehearsal ${argv.join(' ')} exited ${r.exitCode}:\n${r.stderr}`);
  return r;
};

/** Runs the CLI and SIGKILLs it once `when()` says so (polled), or after `maxMs`. */
async function killDuring(argv, when, maxMs) {
  const child = cli(argv);
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs && child.exitCode === null && !(await when(Date.now() - t0)))
    await sleep(100);
  const alive = child.exitCode === null;
  child.kill('SIGKILL');
  await child;
  return { alive, ms: Date.now() - t0 };
}

/** What is left labelled with the sandbox, and how its task's replicas stand. */
async function census() {
  const filter = { [LABEL.sandbox]: ID };
  const containers = await engine.listContainers(filter);
  const replicas = containers.filter((c) => c.labels[LABEL.composeService] === SERVICE);
  const numbers = replicas.map((c) => c.labels[LABEL.composeNumber]);
  let disconnected = 0;
  const network = `${ID}_default`;
  for (const c of replicas) {
    const d = await engine.inspectContainer(c.id).catch(() => undefined);
    if (d?.networks && !d.networks.includes(network)) disconnected++;
  }
  return {
    containers: containers.length,
    networks: (await engine.listNetworks(filter)).length,
    volumes: (await engine.listVolumes(filter)).length,
    running: replicas.filter((c) => c.state === 'running').length,
    paused: containers.filter((c) => c.state === 'paused').length,
    disconnected,
    duplicates: numbers.length - new Set(numbers).size,
  };
}

const journalActions = (file) => {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"chaos.action"'))
    .map((l) => JSON.parse(l));
};

const tally = { reUps: 0, wrongCount: 0, paused: 0, disconnected: 0, duplicates: 0, orphans: 0 };
const afterReUp = async (label) => {
  await must(['up', '--detach']);
  const c = await census();
  tally.reUps++;
  if (c.running !== PLANNED) tally.wrongCount++;
  tally.paused += c.paused;
  tally.disconnected += c.disconnected;
  tally.duplicates += c.duplicates;
  console.log(
    `  ${label}: after re-up ${c.running}/${PLANNED} replicas running, ${c.paused} paused, ${c.disconnected} disconnected, ${c.duplicates} duplicate(s)`,
  );
};
const afterDown = async (label) => {
  await must(['down', '--volumes']);
  const c = await census();
  const left = c.containers + c.networks + c.volumes;
  tally.orphans += left;
  console.log(
    `  ${label}: after down ${c.containers} container(s), ${c.networks} network(s), ${c.volumes} volume(s) left`,
  );
};

const onInterrupt = () => void cleanUp().then(() => process.exit(130));
process.once('SIGINT', onInterrupt);
async function cleanUp() {
  await cli(['down', '--volumes']);
  rmSync(dir, { recursive: true, force: true });
}

try {
  writeFileSync(
    join(dir, 'marketplace.json'),
    readFileSync(join(ROOT, 'templates/reference-service/marketplace.json')),
  );
  writeFileSync(
    join(dir, 'rehearsal.yaml'),
    `sandbox: { name: ${ID} }\nreplicas: ${PLANNED}\ndatabase: { kind: postgres, version: "16" }\n` +
      `tasks:\n  "Patient API":\n    name: ${SERVICE}\n    health: { path: /health, port: 8080 }\n` +
      `    bind: { DATABASE_URL: database.url }\n    traffic: { websocket: { path: /ws } }\n`,
  );
  console.log(`soak: seed ${SEED}, sandbox ${ID}, edge 127.0.0.1:${env.REHEARSAL_PROXY_PORT}`);

  // How long a whole `up` takes here: the kills fall anywhere inside it.
  const t0 = Date.now();
  await must(['up', '--detach']);
  const upMs = Date.now() - t0;
  await afterDown('first up');
  console.log(`1. up SIGKILLed at a random moment ×${UP_KILLS} (a whole up: ${upMs} ms)`);
  for (let i = 0; i < UP_KILLS; i++) {
    const at = between(300, upMs);
    const k = await killDuring(['up', '--detach'], (ms) => ms >= at, upMs * 2);
    await afterReUp(`#${i + 1} killed at ${k.ms} ms${k.alive ? '' : ' (had already ended)'}`);
    await afterDown(`#${i + 1}`);
  }

  console.log(`2. chaos SIGKILLed at a random moment ×${CHAOS_KILLS}`);
  for (let i = 0; i < CHAOS_KILLS; i++) {
    await must(['up', '--detach']);
    const at = between(2_000, 25_000);
    const seed = Math.floor(random() * 1e6);
    const k = await killDuring(
      ['chaos', '--seed', String(seed), '--rate', '40', '--duration', '60', '--rps', '20'],
      (ms) => ms >= at,
      60_000,
    );
    await afterReUp(`#${i + 1} seed ${seed} killed at ${k.ms} ms`);
    await afterDown(`#${i + 1}`);
  }

  console.log('3. chaos SIGKILLed during each fault kind');
  await must(['up', '--detach']);
  const kinds = {
    pause: '{ at: 2s, action: pause, target: 0, hold: 60s }',
    disconnect: '{ at: 2s, action: disconnect, target: 0, hold: 60s }',
    stop: '{ at: 2s, action: stop, target: 0 }',
    scale: '{ at: 2s, action: scale, to: 5 }',
    'db-restart': '{ at: 2s, action: db-restart }',
    'replace-all': '{ at: 2s, action: replace-all }',
  };
  for (const [kind, step] of Object.entries(kinds)) {
    writeFileSync(join(dir, `${kind}.yaml`), `- ${step}\n`);
    const journal = join(dir, `${kind}.jsonl`);
    let seenAt;
    const extra = between(0, 1500);
    const k = await killDuring(
      ['chaos', '--scenario', `${kind}.yaml`, '--duration', '90', '--journal', journal],
      (ms) => {
        if (seenAt === undefined && journalActions(journal).length > 0) seenAt = ms;
        return seenAt !== undefined && ms >= seenAt + extra;
      },
      120_000,
    );
    await afterReUp(
      `${kind}: killed ${seenAt === undefined ? 'before it began' : `${(k.ms - seenAt).toFixed(0)} ms into it`}`,
    );
  }

  console.log(`4. a long chaos run: ${ACTIONS} actions of every kind`);
  const seed = Math.floor(random() * 1e6);
  const durationS = ACTIONS * 2;
  const kept = join(tmpdir(), `rehearsal-soak-${seed}.jsonl`);
  const r = await cli([
    'chaos',
    '--journal',
    kept,
    '--seed',
    String(seed),
    '--rate',
    '30',
    '--duration',
    String(durationS),
    '--rps',
    '20',
    '--json',
  ]);
  if (!r.stdout.trim()) throw new Error(`chaos gave no report (exit ${r.exitCode}):\n${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const byKind = {};
  for (const a of report.actions) {
    const k = (byKind[a.action.kind] ??= { n: 0, failed: 0 });
    k.n++;
    k.failed += a.failedRequests;
  }
  const t = report.traffic;
  console.log(
    `  seed ${seed}: ${report.actions.length} actions in ${t.seconds} s, ${t.requests} requests (${t.rps} req/s); verdicts ${report.verdicts.map((v) => `${v.requirement} ${v.outcome}`).join(', ')}`,
  );
  for (const v of report.verdicts.filter((x) => x.outcome !== 'pass'))
    console.log(
      `  ${v.requirement} ${v.outcome}: ${v.summary}\n    ${v.evidence.slice(0, 5).join('\n    ')}`,
    );
  console.log(`  journal kept: ${kept}`);
  console.log(
    `  failed requests per action: ${Object.entries(byKind)
      .map(([kind, k]) => `${kind} ${(k.failed / k.n).toFixed(2)} (${k.n}×)`)
      .join(', ')}`,
  );
  console.log(
    `  writes: ${t.acknowledgedWrites} acknowledged, ${t.lostWrites} lost (expected 0), ${t.duplicatedWrites} duplicated (expected 0)`,
  );
  console.log(
    `  edge: ${t.unrouted} failed request(s) never sent to a replica (expected 0); errors ${JSON.stringify(t.errors)}`,
  );
  if (t.websocket)
    console.log(
      `  websocket: ${t.websocket.sent} sent, ${t.websocket.echoed} echoed, ${t.websocket.late} late, ${t.websocket.inFlightAtDrop} in flight at a drop, ${t.websocket.stalled} stalled, ${t.websocket.lost} lost (expected 0)`,
    );
  await afterDown('end');

  console.log(
    `\nsoak summary (seed ${SEED}, ${((Date.now() - started) / 60_000).toFixed(1)} min): ${tally.reUps} re-ups, ` +
      `${tally.wrongCount} with a replica count other than planned, ${tally.paused} paused and ${tally.disconnected} disconnected container(s) left, ` +
      `${tally.duplicates} duplicate replica(s), ${tally.orphans} orphan(s) after down (all expected 0); ` +
      `long run: ${report.actions.length} actions, ${t.lostWrites} writes lost, ${t.duplicatedWrites} duplicated, ${t.unrouted} unrouted failures`,
  );
  const bad =
    tally.wrongCount +
    tally.paused +
    tally.disconnected +
    tally.duplicates +
    tally.orphans +
    t.lostWrites +
    t.duplicatedWrites +
    t.unrouted;
  process.exitCode = bad === 0 ? 0 : 1;
} finally {
  process.off('SIGINT', onInterrupt);
  await cleanUp();
}
