import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { AbortedError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL, sandboxFilter } from '../labels.js';
import type { Plan } from '../plan/types.js';
import { down } from '../sandbox/down.js';
import { healthyEvent, waitHealthy } from '../sandbox/health.js';
import { ensureImages } from '../sandbox/images.js';
import { listReplicas } from '../sandbox/replicas.js';
import { STATE_FILES } from '../sandbox/state.js';
import { prepareState, recordReady, refuseUnbound } from '../sandbox/up.js';
import { composeFailure, requireComposeV2, runDocker, type ComposeRunner } from './compose-cli.js';
import { dockerPlatform } from './docker.js';
import type { DeployOptions, Platform, PlatformRun } from './platform.js';

/**
 * Docker Compose v2: `docker compose up` creates the sandbox from the compose.yaml Rehearsal
 * writes, so compose's own tools and Docker Desktop show it as a compose project with its
 * configuration hash and files, and `docker compose down` removes it. Compose restarts nothing
 * after a SIGKILL and drains nothing before a scale-down (its `up --scale` would also start a
 * killed replica again, racing the repair), so Rehearsal repairs what dies and scales (edge drain
 * first) as on plain Docker; `up` stays and follows.
 */
export function composePlatform(run: ComposeRunner = runDocker): Platform {
  return {
    // Status, scaling, repair, sampling and replace-all are plain Docker's: see above.
    ...dockerPlatform,
    engine: 'compose',
    runsOn: 'Docker Compose',
    downCommand: 'rehearsal down --engine compose',
    deploy: (plan, options) => deployCompose(plan, options, run),
    remove: (plan, options) => removeCompose(plan, options, run),
  };
}

export const composeEnginePlatform = composePlatform();

/** `docker compose -p <sandbox> [-f <state>/compose.yaml] --project-directory <state>`. */
export function composeBase(plan: Plan): string[] {
  const file = join(plan.stateDir, STATE_FILES.compose);
  return [
    'compose',
    '-p',
    plan.sandboxId,
    ...(existsSync(file) ? ['-f', file, '--project-directory', plan.stateDir] : []),
  ];
}

/**
 * Writes the state folder as `up` does, makes sure every image is on the engine (compose is told
 * never to pull: a registry may be unreachable), runs `docker compose up --detach --wait`, then
 * reads every replica's health from the host as `up` reports it, and records the counts.
 */
async function deployCompose(
  plan: Plan,
  options: DeployOptions,
  run: ComposeRunner,
): Promise<void> {
  const { engine, emit, signal } = options;
  const start = Date.now();
  await requireComposeV2(run);
  refuseUnbound(plan);
  await prepareState(plan, emit);
  await ensureImages(engine, plan, emit, signal);
  const timeoutMs = options.healthTimeoutMs ?? DEFAULTS.healthTimeoutSeconds * 1000;
  const up = ['up', '--detach', '--wait', '--wait-timeout', String(Math.ceil(timeoutMs / 1000))];
  const scales = await keptCounts(plan, engine, Boolean(options.replicasExplicit));
  const args = [...composeBase(plan), ...up, '--remove-orphans', '--pull', 'never', ...scales];
  const r = await run(args, { cwd: plan.stateDir, ...(signal ? { signal } : {}) });
  if (signal?.aborted) throw new AbortedError();
  if (r.exitCode !== 0) throw composeFailure(args.slice(1), r, plan.sandboxId);
  const desired: Record<string, number> = {};
  for (const s of plan.services) {
    if (s.role === 'cron') continue;
    const running = await runningReplicas(engine, plan, s.name);
    await Promise.all(
      running.map(async (x) => {
        const ms = await waitHealthy(engine, x.id, x.name, s, {
          timeoutMs,
          ...(signal ? { signal } : {}),
        });
        emit(healthyEvent(s.name, { id: x.id, name: x.name, n: x.number }, ms));
      }),
    );
    desired[s.name] = running.length;
  }
  await recordReady(plan, desired, emit, start);
}

/** A service's running replicas (one-off cron runs are not replicas). */
async function runningReplicas(engine: Engine, plan: Plan, service: string) {
  return (await listReplicas(engine, plan.sandboxId, service)).filter(
    (x) => x.state === 'running' && x.labels[LABEL.composeOneoff] !== 'True',
  );
}

/**
 * `--scale task=N` for each task that already runs, as `up` keeps a running count (a `scale` in
 * between) within the declared bounds; nothing when the count was asked for (flag or overlay),
 * so compose goes to the file's `deploy.replicas`.
 */
async function keptCounts(plan: Plan, engine: Engine, explicit: boolean): Promise<string[]> {
  if (explicit) return [];
  const out: string[] = [];
  for (const s of plan.services.filter((x) => x.role === 'task')) {
    const running = (await runningReplicas(engine, plan, s.name)).length;
    if (running === 0) continue;
    const max = s.instancesMaximum ?? Number.POSITIVE_INFINITY;
    out.push('--scale', `${s.name}=${Math.min(Math.max(running, s.instancesMinimum), max)}`);
  }
  return out;
}

/**
 * `docker compose down` (with `--volumes` when asked), then a sweep by label of anything compose
 * did not own (a replica whose project label was changed by hand); reports what was there.
 */
async function removeCompose(
  plan: Plan,
  options: PlatformRun & { volumes?: boolean },
  run: ComposeRunner,
): Promise<void> {
  const { engine, emit } = options;
  await requireComposeV2(run);
  const filter = sandboxFilter(plan.sandboxId);
  const replicas = await listReplicas(engine, plan.sandboxId);
  const networks = (await engine.listNetworks(filter)).length;
  const volumes = options.volumes ? (await engine.listVolumes(filter)).length : 0;
  for (const x of replicas)
    emit({
      type: 'replica.stopping',
      service: x.service,
      replica: x.number,
      container: x.name,
      reason: 'down',
    });
  const grace = Math.max(10, ...plan.services.map((s) => s.stopGraceSeconds));
  const args = [
    ...composeBase(plan),
    'down',
    '--remove-orphans',
    '--timeout',
    String(grace),
    ...(options.volumes ? ['--volumes'] : []),
  ];
  const r = await run(args, { cwd: existsSync(plan.stateDir) ? plan.stateDir : process.cwd() });
  if (r.exitCode !== 0) throw composeFailure(args.slice(1), r, plan.sandboxId);
  await down(plan.sandboxId, { engine, emit: quiet(emit), volumes: Boolean(options.volumes) });
  for (const x of replicas)
    emit({ type: 'replica.removed', service: x.service, replica: x.number, container: x.name });
  emit({
    type: 'sandbox.removed',
    sandboxId: plan.sandboxId,
    containers: replicas.length,
    networks,
    volumes,
  });
}

/** Passes on every event but the sweep's own summary (the caller reports the whole removal). */
function quiet(emit: Emit): Emit {
  return (e) => {
    if (e.type !== 'sandbox.removed') emit(e);
  };
}
