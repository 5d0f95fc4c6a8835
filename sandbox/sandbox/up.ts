import type { Engine } from '../engine/engine.js';
import { AbortedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { VERSION } from '../version.js';
import { healthyEvent, waitHealthy } from './health.js';
import { writeEdgeFiles } from './edge-files.js';
import { writeIdpFiles } from './idp-files.js';
import { ensureImages } from './images.js';
import {
  configHash,
  freeNumbers,
  listReplicas,
  newestFirst,
  replicaSpec,
  type Replica,
} from './replicas.js';
import { runInitialization } from './initialization.js';
import { repairSandbox } from './repair.js';
import { writeDesired, writeState } from './state.js';

export interface UpOptions {
  engine: Engine;
  emit: Emit;
  signal?: AbortSignal;
  /**
   * Whose replica count was asked for: every task's (true: `--replicas`), or the named tasks'
   * (their own `replicas:` in the overlay); any other task keeps the count it runs with.
   */
  replicasExplicit?: boolean | readonly string[];
  healthTimeoutMs?: number;
}

/**
 * Brings the sandbox to its plan and waits until every replica is healthy. Idempotent: it finds
 * what exists by label, keeps replicas whose configuration is unchanged, replaces the others,
 * and creates what is missing — so an `up` after an interrupted one finishes the job rather than
 * starting a second sandbox.
 */
export async function up(plan: Plan, options: UpOptions): Promise<void> {
  const { engine, emit, signal } = options;
  const start = Date.now();
  refuseUnbound(plan);
  await refuseForeignSandbox(engine, plan);
  await prepareState(plan, emit);
  // What an interrupted chaos run left (paused, cut off, counts changed) is put right first, so
  // converging keeps the repaired replicas and goes to the counts from before that run.
  const repaired = await repairSandbox(plan, { engine, emit });
  if (repaired.busy)
    emit({ type: 'warning', message: `${repaired.busy}; up leaves its faults to it` });

  await ensureImages(engine, plan, emit, signal);

  const labels = { [LABEL.sandbox]: plan.sandboxId, [LABEL.version]: VERSION };
  await engine.ensureNetwork(plan.network, {
    ...labels,
    [LABEL.composeProject]: plan.sandboxId,
    [LABEL.composeNetwork]: 'default',
  });
  emit({ type: 'resource.ready', kind: 'network', name: plan.network });
  for (const v of plan.volumes) {
    await engine.ensureVolume(v, {
      ...labels,
      [LABEL.composeProject]: plan.sandboxId,
      [LABEL.composeVolume]: v.slice(plan.sandboxId.length + 1),
    });
    emit({ type: 'resource.ready', kind: 'volume', name: v });
  }

  const desired: Record<string, number> = {};
  for (const s of orderByDependencies(plan.services)) {
    if (s.role === 'cron') continue;
    checkAborted(signal);
    if (s.role === 'init') {
      await runInitialization(plan, s, { engine, emit, ...(signal ? { signal } : {}) });
      continue;
    }
    desired[s.name] = await converge(plan, s, options, {
      ...(repaired.desired?.[s.name] !== undefined ? { count: repaired.desired[s.name] } : {}),
      keepPaused: Boolean(repaired.busy),
    });
  }
  await recordReady(plan, desired, emit, start);
}

/** Records the replica counts that now run and says the sandbox is ready, with its total. */
export async function recordReady(
  plan: Plan,
  desired: Record<string, number>,
  emit: Emit,
  start: number,
): Promise<void> {
  await writeDesired(plan.stateDir, desired);
  emit({
    type: 'sandbox.ready',
    sandboxId: plan.sandboxId,
    ms: Date.now() - start,
    replicas: Object.values(desired).reduce((a, b) => a + b, 0),
  });
}

/** Announces the plan and writes its state folder: compose model, secrets, TLS and IdP files. */
export async function prepareState(plan: Plan, emit: Emit): Promise<void> {
  emit({
    type: 'plan.ready',
    sandboxId: plan.sandboxId,
    services: plan.services.map((s) => ({
      name: s.name,
      role: s.role,
      ...(s.kind ? { kind: s.kind } : {}),
      replicas: s.replicas,
    })),
    notes: plan.notes,
  });
  emit({ type: 'state.written', dir: plan.stateDir, files: await writeState(plan) });
  await writeEdgeFiles(plan, emit);
  await writeIdpFiles(plan);
}

/** A plan whose required variables lack a value cannot start: says which and how to give them. */
export function refuseUnbound(plan: Plan): void {
  if (plan.unbound.length === 0) return;
  const list = plan.unbound.map((u) => `${u.service}: ${u.key} (${u.description})`).join('\n  ');
  throw new UserError(`required variables have no value:\n  ${list}`, {
    hint: 'Give each a value in rehearsal.yaml (`env: { KEY: value }`), bind it (`bind: { KEY: database.url }`), or pass `--env KEY=VALUE`.',
  });
}

/**
 * Makes one service's replicas match the plan (or `count`, the count from before an interrupted
 * chaos run); returns how many run. With `keepPaused` (a chaos run is going on in another
 * process) a paused replica is that run's fault in progress, kept as if running.
 */
async function converge(
  plan: Plan,
  s: ServicePlan,
  options: UpOptions,
  { count, keepPaused }: { count?: number; keepPaused: boolean },
): Promise<number> {
  const { engine, emit } = options;
  const hash = configHash(plan, s);
  const existing = await listReplicas(engine, plan.sandboxId, s.name);
  const keep: Replica[] = [];
  for (const r of existing) {
    const live = r.state === 'running' || (keepPaused && r.state === 'paused');
    const current = live && r.labels[LABEL.composeConfigHash] === hash;
    if (current) {
      keep.push(r);
      continue;
    }
    const reason = r.state === 'running' ? 'its configuration changed' : `it was left ${r.state}`;
    emit({
      type: 'replica.stopping',
      service: s.name,
      replica: r.number,
      container: r.name,
      reason,
    });
    await engine.removeContainer(r.id, { force: true });
    emit({ type: 'replica.removed', service: s.name, replica: r.number, container: r.name });
  }
  const explicit =
    options.replicasExplicit === true ||
    (Array.isArray(options.replicasExplicit) && options.replicasExplicit.includes(s.name));
  let desired = explicit ? s.replicas : (count ?? s.replicas);
  if (count === undefined && !explicit && keep.length > 0) {
    desired = Math.min(
      Math.max(keep.length, s.instancesMinimum),
      s.instancesMaximum ?? Number.POSITIVE_INFINITY,
    );
  }
  for (const r of newestFirst(keep).slice(0, Math.max(0, keep.length - desired))) {
    emit({
      type: 'replica.stopping',
      service: s.name,
      replica: r.number,
      container: r.name,
      reason: 'more replicas than planned',
    });
    await engine.stopContainer(r.id, s.stopGraceSeconds);
    await engine.removeContainer(r.id, { force: true });
    emit({ type: 'replica.removed', service: s.name, replica: r.number, container: r.name });
  }
  const kept = newestFirst(keep).slice(Math.max(0, keep.length - desired));
  const numbers = freeNumbers(
    kept.map((r) => r.number),
    desired - kept.length,
  );
  const started = await startReplicas(plan, s, numbers, options);
  await Promise.all(
    [
      // A paused replica (another process's chaos fault) is that run's to give back.
      ...kept
        .filter((r) => r.state !== 'paused')
        .map((r) => ({ id: r.id, name: r.name, n: r.number })),
      ...started,
    ].map(async (r) => {
      const ms = await waitHealthy(engine, r.id, r.name, s, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.healthTimeoutMs ? { timeoutMs: options.healthTimeoutMs } : {}),
      });
      emit(healthyEvent(s.name, r, ms));
    }),
  );
  return desired;
}

/** Creates and starts replicas with the given numbers (not waiting for health). */
export async function startReplicas(
  plan: Plan,
  s: ServicePlan,
  numbers: number[],
  options: Pick<UpOptions, 'engine' | 'emit'>,
): Promise<{ id: string; name: string; n: number }[]> {
  const { engine, emit } = options;
  return Promise.all(
    numbers.map(async (n) => {
      const spec = await replicaSpec(plan, s, n);
      const id = await engine.createContainer(spec);
      emit({ type: 'replica.created', service: s.name, replica: n, container: spec.name });
      try {
        await engine.startContainer(id);
      } catch (err) {
        await engine.removeContainer(id, { force: true });
        throw startFailure(spec.name, s.hostPorts, err);
      }
      emit({ type: 'replica.started', service: s.name, replica: n, container: spec.name });
      return { id, name: spec.name, n };
    }),
  );
}

/** Services ordered so that each comes after what it depends on. */
export function orderByDependencies(services: ServicePlan[]): ServicePlan[] {
  const out: ServicePlan[] = [];
  const byName = new Map(services.map((s) => [s.name, s]));
  const visiting = new Set<string>();
  const visit = (s: ServicePlan): void => {
    if (out.includes(s)) return;
    if (visiting.has(s.name))
      throw new UserError(`services depend on each other in a cycle through "${s.name}"`);
    visiting.add(s.name);
    for (const d of s.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    visiting.delete(s.name);
    out.push(s);
  };
  services.forEach(visit);
  return out;
}

async function refuseForeignSandbox(engine: Engine, plan: Plan): Promise<void> {
  const existing = await listReplicas(engine, plan.sandboxId);
  const other = existing.find(
    (r) => r.labels[LABEL.declaration] && r.labels[LABEL.declaration] !== plan.declarationFile,
  );
  if (other) {
    throw new UserError(
      `a sandbox named "${plan.sandboxId}" already runs for another declaration (${other.labels[LABEL.declaration]})`,
      {
        hint:
          'Give this one its own name (`-p other-name`, or `sandbox: { name: … }` in rehearsal.yaml), or stop the other with `rehearsal down -p ' +
          plan.sandboxId +
          '` (from any folder).',
      },
    );
  }
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError();
}

/** Explains why the engine would not start a container; a port clash gets its fix. */
function startFailure(
  name: string,
  hostPorts: Record<number, number> | undefined,
  err: unknown,
): Error {
  const message = (err as Error).message;
  if (/port is already allocated|address already in use/i.test(message)) {
    const ports = Object.values(hostPorts ?? {}).map((p) => `127.0.0.1:${p}`);
    return new UserError(
      `${name} cannot listen on ${ports.join(', ') || 'its port'}: it is already in use`,
      {
        hint: 'Stop what uses it (another sandbox: `rehearsal down` in its folder), or pick another port with REHEARSAL_PROXY_PORT=9443.',
        cause: err,
      },
    );
  }
  return new UserError(`the engine would not start ${name}: ${message}`, {
    hint: "Read the engine's message above; `rehearsal up --verbose` shows more.",
    cause: err,
  });
}
