import pLimit, { type LimitFunction } from 'p-limit';
import type { LoadedDeclaration } from '../../declaration/types.js';
import type { ContainerProcess, Engine } from '../../engine/engine.js';
import type { Emit } from '../../events.js';
import { LABEL } from '../../labels.js';
import { identityFacts } from './identity.js';
import { STOP_BUDGET_SECONDS } from '../../plan/plan.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { listReplicas, type Replica } from '../../sandbox/replicas.js';
import { up } from '../../sandbox/up.js';
import type { TimelineSample } from '../types.js';
import { traffic } from './edge-traffic.js';
import { hostProbes } from './host-probes.js';
import { scanImageLayers, type LayerScan } from './layers.js';
import { sandboxMap, startNetwatch, type Netwatch } from './netwatch.js';
import { offlineFacts, offlineTraffic, type OfflineFacts } from './offline.js';
import { replicaFacts, sampleMemory } from './replica.js';
import { FOREIGN_LOCALE, foreignLocaleSmoke, smokeTest } from './smoke.js';
import { startupFacts } from './startup.js';
import { ensureCollector, traceFacts } from './traces.js';
import { makeCanaries } from '../../traffic/canary.js';
import type { TrafficSpec } from '../../traffic/journeys.js';
import type { Facts, InitializationFacts, TaskFacts } from './types.js';

export interface GatherOptions {
  engine: Engine;
  emit: Emit;
  loaded: LoadedDeclaration;
  signal?: AbortSignal;
  /** How long bootstrapping may take (default 180 s). */
  bootstrapBudgetMs?: number;
  /** Requests sent through the edge per HTTP task (default 120, over at most 20 s). */
  requests?: number;
}

/**
 * Brings a fresh sandbox up and observes it: images and their layers, bootstrapping, traffic
 * through the edge with a planted canary, the smoke test (also in another locale), requests
 * under other host names, processes, memory, files written, logs, and a timed SIGTERM. Facts
 * only; sandbox/checks/verdicts.ts judges them.
 */
export async function gatherFacts(plan: Plan, options: GatherOptions): Promise<Facts> {
  const { engine, emit, signal } = options;
  const budget = options.bootstrapBudgetMs ?? 180_000;
  const canaries = makeCanaries();
  const canary = canaries.patient_name;
  const tasks = plan.services.filter((s) => s.role === 'task');
  const timeline: TimelineSample[] = [];
  const step = (text: string) => {
    timeline.push({ at: Date.now(), kind: 'action', text });
    emit({ type: 'check.step', text });
  };

  ensureCollector(plan, options.loaded);
  step('starting the sandbox from an empty database');
  const t0 = Date.now();
  let bootstrap: Facts['bootstrap'];
  // Initialization tasks are timed as they run, inside bootstrapping.
  const inits = new Map<string, { container: string; exitCode: number; ms: number }>();
  const watching: typeof emit = (e) => {
    if (e.type === 'init.finished') inits.set(e.service, e);
    emit(e);
  };
  try {
    await up(plan, {
      engine,
      emit: watching,
      ...(signal ? { signal } : {}),
      healthTimeoutMs: budget,
      replicasExplicit: true,
    });
    bootstrap = { ok: true, ms: Date.now() - t0 };
  } catch (err) {
    if (signal?.aborted) throw err;
    bootstrap = {
      ok: false,
      ms: Date.now() - t0,
      error: (err as Error).message.split('\n')[0] ?? 'failed',
    };
  }

  const facts: TaskFacts[] = [];
  let offline: OfflineFacts | undefined;
  // The spec each task's traffic phase sent (derived journeys included): the offline pass sends it again.
  const sentSpecs = new Map<string, TrafficSpec>();
  const scans = new Map<string, Promise<LayerScan>>();
  // Layer scans of different images run side by side, two at a time: each is a `docker save`
  // stream, bound by the engine's disk more than by this process.
  const scanLimit = pLimit(2);
  facts.push(
    ...(await Promise.all(tasks.map((s) => imageFacts(engine, s, step, scans, scanLimit)))),
  );
  // Diagnosed before anything is judged: each requirement gets only the cause that belongs to it.
  if (!bootstrap.ok)
    for (const t of facts) t.startup = await startupFacts(engine, plan.sandboxId, t.service);
  const running = new Map<string, Replica[]>();
  for (const s of tasks) running.set(s.name, await runningReplicas(engine, plan, s.name));

  let identity: Facts['identity'];
  if (bootstrap.ok) {
    const samples = new Map<string, ContainerProcess[][]>();
    const peaks = new Map<string, number>();
    const sampleProcesses = async () => {
      for (const r of [...running.values()].flat()) {
        const list = await engine.topContainer(r.id).catch(() => undefined);
        if (list) samples.set(r.id, [...(samples.get(r.id) ?? []), list]);
      }
    };
    await sampleProcesses();
    step('watching the connections and DNS lookups each replica tries');
    const watches = new Map<string, Netwatch[]>();
    for (const [service, list] of running)
      watches.set(service, await Promise.all(list.map((r) => startNetwatch(plan, engine, r))));
    step("sending each task's journeys through the TLS edge, carrying synthetic PHI");
    const stopSampling = new AbortController();
    const memory = sampleMemory(
      engine,
      [...running.values()].flat(),
      peaks,
      timeline,
      stopSampling.signal,
    );
    // Tasks are observed side by side (six at a time): most of the time is spent waiting for
    // one-off containers (smoke tests) to start and end.
    const limit = pLimit(6);
    await Promise.all(
      facts.map((t) =>
        limit(async () => {
          if (!t.service.probe) return;
          t.traffic = await traffic(
            plan,
            engine,
            t.service,
            canaries,
            options.requests ?? 120,
            timeline,
            { overlays: options.loaded.taskOverlays, emit, specs: sentSpecs },
          );
          t.traces = await traceFacts(plan, engine, t.service);
          const smoke = options.loaded.taskOverlays[t.service.name]?.smokeCommand;
          if (smoke) {
            step(`running the smoke test of ${t.service.name}`);
            t.smoke = await smokeTest(plan, engine, t.service, smoke, canary, signal);
            if (t.smoke.exitCode === 0 && !t.smoke.timedOut) {
              step(
                `running it again against a ${t.service.name} replica in ${FOREIGN_LOCALE.LANG}, ${FOREIGN_LOCALE.TZ}`,
              );
              t.smoke.locale = await foreignLocaleSmoke(
                plan,
                engine,
                t.service,
                smoke,
                canary,
                emit,
                signal,
              );
            }
          }
          const first = running.get(t.service.name)?.[0];
          if (first) t.hostProbes = await hostProbes(first, t.service);
        }),
      ),
    );
    stopSampling.abort();
    await memory;
    if (plan.idp || plan.scim?.length)
      step('logging in through the identity provider and running the SCIM suite');
    identity = await identityFacts(plan, engine, options.loaded);
    await sampleProcesses();
    const map = await sandboxMap(plan, engine);
    for (const t of facts)
      t.network = {
        replicas: await Promise.all((watches.get(t.service.name) ?? []).map((w) => w.stop(map))),
      };
    step('reading what each replica wrote, printed and kept');
    for (const t of facts) {
      for (const r of running.get(t.service.name) ?? [])
        t.replicas.push(
          await replicaFacts(
            engine,
            r,
            t.service,
            canaries,
            samples.get(r.id) ?? [],
            peaks.get(r.id),
          ),
        );
    }
    const seconds = STOP_BUDGET_SECONDS[plan.profile];
    await Promise.all(
      facts.map(async (t) => {
        const victim = running.get(t.service.name)?.at(-1);
        if (!victim) return;
        // A replica that already died (an OOM kill) would "stop" at once with 137: not a timing.
        const was = await engine.inspectContainer(victim.id).catch(() => undefined);
        if (was && was.state !== 'running') {
          t.stop = {
            replica: victim.name,
            ms: 0,
            exitCode: was.exitCode,
            killed: false,
            notRunning: was.oomKilled ? 'OOM-killed' : `${was.state}, exit code ${was.exitCode}`,
          };
          return;
        }
        step(`stopping ${victim.name} with SIGTERM (budget ${seconds} s)`);
        const start = Date.now();
        try {
          await engine.stopContainer(victim.id, seconds);
        } catch (err) {
          const error = (err as Error).message;
          t.stop = {
            replica: victim.name,
            ms: Date.now() - start,
            exitCode: -1,
            killed: false,
            error,
          };
          return;
        }
        const ms = Date.now() - start;
        const d = await engine.inspectContainer(victim.id);
        t.stop = {
          replica: victim.name,
          ms,
          exitCode: d.exitCode,
          killed: d.exitCode === 137 || ms >= seconds * 1000,
          budgetSeconds: seconds,
        };
      }),
    );
    step('starting each HTTP task again on a network with no route out, from an empty database');
    offline = await offlineFacts(
      plan,
      engine,
      emit,
      Object.fromEntries(
        tasks.map((s) => [s.name, options.loaded.taskOverlays[s.name]?.smokeCommand]),
      ),
      Math.min(budget, 90_000),
      signal,
      offlineTraffic(plan, tasks, options.loaded.taskOverlays, canaries, sentSpecs),
    );
  }
  const initialization = await initializationFacts(plan, engine, inits);
  return {
    profile: plan.profile,
    stopBudgetSeconds: STOP_BUDGET_SECONDS[plan.profile],
    bootstrapBudgetMs: budget,
    ...(initialization.length > 0 ? { initialization } : {}),
    ...(identity ? { identity } : {}),
    canary,
    canaries,
    bootstrap,
    tasks: facts,
    timeline,
    ...(offline ? { offline } : {}),
  };
}

/** Each initialization task: how it ended, and what it wrote to its container's disk. */
async function initializationFacts(
  plan: Plan,
  engine: Engine,
  ran: Map<string, { container: string; exitCode: number; ms: number }>,
): Promise<InitializationFacts[]> {
  return Promise.all(
    plan.services
      .filter((s) => s.role === 'init')
      .map(async (s): Promise<InitializationFacts> => {
        const run = ran.get(s.name);
        const out: InitializationFacts = {
          service: s,
          changes: [],
          ...(run ? { container: run.container, exitCode: run.exitCode, ms: run.ms } : {}),
        };
        const c = (await listReplicas(engine, plan.sandboxId, s.name))[0];
        if (!c) return out;
        try {
          out.changes = await engine.diffContainer(c.id);
        } catch (err) {
          out.changesError = (err as Error).message;
        }
        return out;
      }),
  );
}

async function runningReplicas(engine: Engine, plan: Plan, service: string): Promise<Replica[]> {
  return (await listReplicas(engine, plan.sandboxId, service)).filter(
    (r) => r.state === 'running' && r.labels[LABEL.composeOneoff] !== 'True',
  );
}

async function imageFacts(
  engine: Engine,
  s: ServicePlan,
  step: (text: string) => void,
  scans: Map<string, Promise<LayerScan>>,
  limit: LimitFunction,
): Promise<TaskFacts> {
  const t: TaskFacts = {
    service: s,
    ...(s.memoryBytes !== undefined ? { declaredMemoryBytes: s.memoryBytes } : {}),
    replicas: [],
    hostProbes: [],
  };
  try {
    t.image = await engine.inspectImage(s.image.tag);
  } catch (err) {
    t.imageError = (err as Error).message;
    return t;
  }
  // Tasks often share an image: its layers are read once (a `docker save` reads all of it).
  let scan = scans.get(t.image.id);
  if (!scan) {
    step(`looking inside the layers of ${s.image.tag}`);
    scan = limit(() => engine.saveImage(s.image.tag).then((stream) => scanImageLayers(stream)));
    scans.set(t.image.id, scan);
  }
  try {
    t.layers = await scan;
  } catch (err) {
    t.layersError = (err as Error).message;
  }
  return t;
}
