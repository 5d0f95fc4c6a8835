/** What each replica showed: memory peaks, processes, files written, logs, plain HTTP and TLS. */
import type { ContainerProcess, Engine } from '../../engine/engine.js';
import { httpRequest } from '../../net/http-request.js';
import { tlsProbe } from '../../net/tls-probe.js';
import type { ServicePlan } from '../../plan/types.js';
import type { Replica } from '../../sandbox/replicas.js';
import type { TimelineSample } from '../types.js';
import type { ReplicaFacts } from './types.js';
import { canariesIn, maskCanaries, type Canaries } from '../../traffic/canary.js';
import { searchWrittenFiles } from './written-files.js';

const LOG_LINES_READ = 5000;

/** Peak memory of each replica, sampled until the signal aborts (each sample takes ~1 s). */
export async function sampleMemory(
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

export async function replicaFacts(
  engine: Engine,
  r: Replica,
  s: ServicePlan,
  canaries: Canaries,
  processSamples: ContainerProcess[][],
  peak: number | undefined,
): Promise<ReplicaFacts> {
  const d = await engine.inspectContainer(r.id);
  const changes = await engine.diffContainer(r.id).catch(() => []);
  let logLines = 0;
  const canaryLines: string[] = [];
  const output = new Set<string>();
  for await (const l of engine.logs(r.id, { follow: false, tail: LOG_LINES_READ })) {
    logLines++;
    output.add(l.text.trim());
    if (canariesIn(l.text, canaries).length > 0)
      canaryLines.push(`${l.stream}: ${maskCanaries(l.text, canaries)}`);
  }
  const files = await searchWrittenFiles(engine, r.id, changes, canaries, output);
  const port = s.probe?.port ?? s.ports[0];
  const hostPort = port !== undefined ? r.published[port] : undefined;
  let plainHttp: ReplicaFacts['plainHttp'];
  // A dead replica answers nothing: its silence says nothing about protocol or TLS.
  const down =
    d.state === 'running'
      ? undefined
      : d.oomKilled
        ? 'OOM-killed'
        : `${d.state}, exit code ${d.exitCode}`;
  const tls = hostPort && !down ? await tlsProbe('127.0.0.1', hostPort, 5000) : undefined;
  if (hostPort && s.probe && !down) {
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
    ...(files.hits.length ? { canaryFiles: files.hits } : {}),
    ...(files.logLike.length ? { logLikeFiles: files.logLike } : {}),
    ...(files.error ? { filesUnsearched: files.error } : {}),
    ...(down ? { down } : {}),
    ...(plainHttp ? { plainHttp } : {}),
    ...(tls ? { tls } : {}),
  };
}
