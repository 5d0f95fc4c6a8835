import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type { LoadedDeclaration } from '../../declaration/types.js';
import type { ContainerProcess, Engine } from '../../engine/engine.js';
import type { Emit } from '../../events.js';
import { LABEL } from '../../labels.js';
import { httpRequest } from '../../net/http-request.js';
import { tlsProbe } from '../../net/tls-probe.js';
import { identityFacts } from './identity.js';
import { STOP_BUDGET_SECONDS } from '../../plan/plan.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { adminCall, edgeAdmin } from '../../sandbox/edge-admin.js';
import { waitHealthy } from '../../sandbox/health.js';
import { runOneOff } from '../../sandbox/one-off.js';
import { freeNumbers, listReplicas, type Replica } from '../../sandbox/replicas.js';
import { startReplicas, up } from '../../sandbox/up.js';
import { EdgeClient, edgeTarget } from '../../traffic/edge-client.js';
import type { TimelineSample } from '../types.js';
import { scanImageLayers, type LayerScan } from './layers.js';
import { sandboxMap, startNetwatch, type Netwatch } from './netwatch.js';
import { offlineFacts, type OfflineFacts } from './offline.js';
import { ensureCollector, traceFacts } from './traces.js';
import type {
  Facts,
  HostProbe,
  ReplicaFacts,
  SmokeFacts,
  TaskFacts,
  TrafficFacts,
} from './types.js';

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

/** Another locale and a time zone far from UTC: a service must not depend on the defaults. */
export const FOREIGN_LOCALE = {
  LANG: 'tr_TR.UTF-8',
  LC_ALL: 'tr_TR.UTF-8',
  TZ: 'Pacific/Kiritimati',
};
const SMOKE_TIMEOUT_MS = 120_000;
const LOG_LINES_READ = 5000;

/**
 * Brings a fresh sandbox up and observes it: images and their layers, bootstrapping, traffic
 * through the edge with a planted canary, the smoke test (also in another locale), requests
 * under other host names, processes, memory, files written, logs, and a timed SIGTERM. Facts
 * only; sandbox/checks/verdicts.ts judges them.
 */
export async function gatherFacts(plan: Plan, options: GatherOptions): Promise<Facts> {
  const { engine, emit, signal } = options;
  const budget = options.bootstrapBudgetMs ?? 180_000;
  const canary = `Canary${randomBytes(5).toString('hex')}`;
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
  try {
    await up(plan, {
      engine,
      emit,
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
  const scans = new Map<string, Promise<LayerScan>>();
  for (const s of tasks) facts.push(await imageFacts(engine, s, step, scans));
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
    step('sending traffic through the TLS edge, with a planted patient name');
    const stopSampling = new AbortController();
    const memory = sampleMemory(
      engine,
      [...running.values()].flat(),
      peaks,
      timeline,
      stopSampling.signal,
    );
    // Tasks are observed side by side (a few at a time): most of the time is spent waiting.
    const limit = pLimit(3);
    await Promise.all(
      facts.map((t) =>
        limit(async () => {
          if (!t.service.probe) return;
          t.traffic = await traffic(
            plan,
            engine,
            t.service,
            canary,
            options.requests ?? 120,
            timeline,
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
            canary,
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
    );
  }
  return {
    profile: plan.profile,
    stopBudgetSeconds: STOP_BUDGET_SECONDS[plan.profile],
    bootstrapBudgetMs: budget,
    ...(identity ? { identity } : {}),
    canary,
    bootstrap,
    tasks: facts,
    timeline,
    ...(offline ? { offline } : {}),
  };
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
    scan = engine.saveImage(s.image.tag).then((stream) => scanImageLayers(stream));
    scans.set(t.image.id, scan);
  }
  try {
    t.layers = await scan;
  } catch (err) {
    t.layersError = (err as Error).message;
  }
  return t;
}

/** Peak memory of each replica, sampled until the signal aborts (each sample takes ~1 s). */
async function sampleMemory(
  engine: Engine,
  replicas: Replica[],
  peaks: Map<string, number>,
  timeline: TimelineSample[],
  signal: AbortSignal,
) {
  await Promise.all(
    replicas.map(async (r) => {
      while (!signal.aborted) {
        const u = await engine.stats(r.id).catch(() => undefined);
        if (!u) return;
        peaks.set(r.id, Math.max(peaks.get(r.id) ?? 0, u.memoryBytes));
        timeline.push({
          at: Date.now(),
          kind: 'memory',
          container: r.name,
          bytes: u.memoryBytes,
          limitBytes: u.memoryLimitBytes,
        });
      }
    }),
  );
}

/** A bounded run of GETs through the edge; who served each comes from the edge's own counters. */
async function traffic(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  canary: string,
  count: number,
  timeline: TimelineSample[],
): Promise<TrafficFacts | undefined> {
  const target = edgeTarget(plan, s.name);
  if (!target || !s.probe) return undefined;
  const admin = await edgeAdmin(plan, engine);
  const before = admin ? await servedByIp(admin, s.name) : new Map<string, number>();
  const client = new EdgeClient(target, 4);
  const facts: TrafficFacts = { sent: 0, ok: 0, failed: 0, byReplica: {}, errors: {} };
  const deadline = Date.now() + 20_000;
  const path = `${s.probe.path}${s.probe.path.includes('?') ? '&' : '?'}name=${canary}`;
  let bucket = { at: Date.now(), ok: 0, failed: 0, ms: [] as number[] };
  const record = (ok: boolean, ms: number) => {
    if (Date.now() - bucket.at >= 1000) {
      flush();
      bucket = { at: Date.now(), ok: 0, failed: 0, ms: [] };
    }
    if (ok) bucket.ok++;
    else bucket.failed++;
    bucket.ms.push(ms);
  };
  const flush = () => {
    const sorted = bucket.ms.sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
    timeline.push({
      at: bucket.at,
      kind: 'traffic',
      ok: bucket.ok,
      failed: bucket.failed,
      p99Ms: p99,
    });
  };
  try {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (facts.sent < count && Date.now() < deadline) {
          facts.sent++;
          const began = Date.now();
          try {
            const r = await client.send('GET', path, {
              timeoutMs: 5000,
              headers: { 'x-patient-name': canary },
            });
            record(r.status < 500, Date.now() - began);
            if (r.status < 500) facts.ok++;
            else {
              facts.failed++;
              facts.errors[`HTTP ${r.status}`] = (facts.errors[`HTTP ${r.status}`] ?? 0) + 1;
            }
          } catch (err) {
            record(false, Date.now() - began);
            facts.failed++;
            const code = (err as NodeJS.ErrnoException).code ?? 'error';
            facts.errors[code] = (facts.errors[code] ?? 0) + 1;
          }
        }
      }),
    );
  } finally {
    client.close();
    flush();
  }
  if (admin) {
    const after = await servedByIp(admin, s.name);
    const names = new Map<string, string>();
    for (const r of await listReplicas(engine, plan.sandboxId, s.name)) {
      const ip = (await engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
      if (ip) names.set(ip, r.name);
    }
    for (const [ip, n] of after) facts.byReplica[names.get(ip) ?? ip] = n - (before.get(ip) ?? 0);
  }
  return facts;
}

async function servedByIp(
  admin: { url: string; token: string },
  service: string,
): Promise<Map<string, number>> {
  const r = await adminCall(admin, 'GET', '/backends');
  const routes =
    (r.json as { routes?: { service: string; backends: { ip: string; requests?: number }[] }[] })
      .routes ?? [];
  const out = new Map<string, number>();
  for (const route of routes.filter((x) => x.service === service))
    for (const b of route.backends) out.set(b.ip, (out.get(b.ip) ?? 0) + (b.requests ?? 0));
  return out;
}

async function smokeTest(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  command: string[],
  canary: string,
  signal?: AbortSignal,
  url?: string,
): Promise<SmokeFacts> {
  const target = edgeTarget(plan, s.name);
  const base =
    url ??
    (target
      ? `https://${target.host}:${target.port}`
      : `http://${s.name}:${s.probe?.port ?? s.ports[0] ?? 80}`);
  const r = await runOneOff(plan, s, engine, {
    kind: 'smoke',
    command,
    env: { REHEARSAL_URL: base, REHEARSAL_CANARY_NAME: canary },
    keepLines: 200,
    timeoutMs: SMOKE_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  return { command, exitCode: r.exitCode, ms: r.ms, output: r.output, timedOut: r.timedOut };
}

/** Starts one more replica in another locale and time zone and runs the smoke test against it alone. */
async function foreignLocaleSmoke(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  command: string[],
  canary: string,
  emit: Emit,
  signal?: AbortSignal,
): Promise<SmokeFacts['locale']> {
  const foreign: ServicePlan = { ...s, environment: { ...s.environment, ...FOREIGN_LOCALE } };
  const used = (await listReplicas(engine, plan.sandboxId, s.name)).map((r) => r.number);
  const [started] = await startReplicas(plan, foreign, freeNumbers(used, 1), { engine, emit });
  if (!started) return undefined;
  try {
    await waitHealthy(engine, started.id, started.name, foreign, signal ? { signal } : {});
    const port = s.probe?.port ?? s.ports[0] ?? 80;
    const r = await smokeTest(
      plan,
      engine,
      s,
      command,
      canary,
      signal,
      `http://${started.name}:${port}`,
    );
    return { env: FOREIGN_LOCALE, exitCode: r.timedOut ? -1 : r.exitCode, output: r.output };
  } catch (err) {
    return { env: FOREIGN_LOCALE, exitCode: -1, output: [(err as Error).message] };
  } finally {
    await engine.removeContainer(started.id, { force: true });
  }
}

const ABSOLUTE_URL = /https?:\/\/[^\s"'<>()\\]+/gi;

/** Absolute URLs in an answer: Location, Content-Location and Link headers, and the body. */
function absoluteUrls(
  headers: Record<string, string | string[] | undefined>,
  body: string,
): string[] {
  const found = new Set<string>();
  for (const h of ['location', 'content-location', 'link']) {
    const v = headers[h];
    for (const x of Array.isArray(v) ? v : v ? [v] : [])
      for (const m of x.match(ABSOLUTE_URL) ?? []) found.add(m);
  }
  for (const m of body.match(ABSOLUTE_URL) ?? []) found.add(m);
  // Namespaces and schema identifiers name a vocabulary, not a place to go.
  return [...found].filter(
    (u) =>
      !/^https?:\/\/(hl7\.org|www\.w3\.org|json-schema\.org|schemas\.xmlsoap\.org|purl\.org|loinc\.org|snomed\.info|unitsofmeasure\.org|terminology\.hl7\.org)\//i.test(
        u,
      ),
  );
}

/** Relative links of a page, for a short crawl (at most `max`). */
function relativeLinks(body: string, max: number): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(
    /(?:href|src|action)=["'](\/[^"'#?]*)|"(?:url|href|fullUrl)"\s*:\s*"(\/[^"#?]*)"/g,
  )) {
    const p = m[1] ?? m[2];
    if (p && !p.startsWith('//')) out.add(p);
    if (out.size >= max) break;
  }
  return [...out];
}

/** Requests straight to one replica under other host names and ports, with and without X-Forwarded-*. */
async function hostProbes(r: Replica, s: ServicePlan): Promise<HostProbe[]> {
  const port = s.probe?.port ?? s.ports[0];
  const hostPort = port !== undefined ? r.published[port] : undefined;
  if (!hostPort) return [];
  const base = `http://127.0.0.1:${hostPort}`;
  const names: { host: string; headers: Record<string, string> }[] = [
    { host: 'alpha.rehearsal.test:8081', headers: {} },
    {
      host: 'omega.rehearsal.test:9443',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'omega.rehearsal.test:9443' },
    },
  ];
  const first = await httpRequest(`${base}/`, {
    timeoutMs: 5000,
    headers: { host: names[0]!.host },
  }).catch(() => undefined);
  const paths = [...new Set(['/', s.probe?.path ?? '/', ...relativeLinks(first?.body ?? '', 4)])];
  const probes: HostProbe[] = [];
  for (const p of paths) {
    for (const n of names) {
      const label = `GET ${p} with Host: ${n.host}${'x-forwarded-proto' in n.headers ? ' and X-Forwarded-Proto: https' : ''}`;
      try {
        const reply = await httpRequest(`${base}${p}`, {
          timeoutMs: 5000,
          headers: { host: n.host, ...n.headers },
        });
        probes.push({
          request: label,
          hostUsed: n.host,
          status: reply.status,
          urls: absoluteUrls(reply.headers, reply.body),
        });
      } catch (err) {
        probes.push({
          request: label,
          hostUsed: n.host,
          error: (err as NodeJS.ErrnoException).code ?? (err as Error).message,
          urls: [],
        });
      }
    }
  }
  return probes;
}

async function replicaFacts(
  engine: Engine,
  r: Replica,
  s: ServicePlan,
  canary: string,
  processSamples: ContainerProcess[][],
  peak: number | undefined,
): Promise<ReplicaFacts> {
  const d = await engine.inspectContainer(r.id);
  const changes = await engine.diffContainer(r.id).catch(() => []);
  let logLines = 0;
  const canaryLines: string[] = [];
  for await (const l of engine.logs(r.id, { follow: false, tail: LOG_LINES_READ })) {
    logLines++;
    if (l.text.includes(canary)) canaryLines.push(l.text);
  }
  const port = s.probe?.port ?? s.ports[0];
  const hostPort = port !== undefined ? r.published[port] : undefined;
  let plainHttp: ReplicaFacts['plainHttp'];
  const tls = hostPort ? await tlsProbe('127.0.0.1', hostPort, 5000) : undefined;
  if (hostPort && s.probe) {
    try {
      const reply = await httpRequest(`http://127.0.0.1:${hostPort}${s.probe.path}`, {
        timeoutMs: 5000,
      });
      plainHttp = { ok: true, detail: `GET ${s.probe.path} over plain HTTP → ${reply.status}` };
    } catch (err) {
      plainHttp = {
        ok: false,
        detail: `GET ${s.probe.path} over plain HTTP: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      };
    }
  }
  return {
    name: r.name,
    memoryLimitBytes: d.memoryLimitBytes,
    ...(peak !== undefined ? { peakMemoryBytes: peak } : {}),
    oomKilled: d.oomKilled,
    processSamples,
    changes,
    logLines,
    canaryLines,
    ...(plainHttp ? { plainHttp } : {}),
    ...(tls ? { tls } : {}),
  };
}
