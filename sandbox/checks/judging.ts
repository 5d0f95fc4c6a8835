import type { ContainerProcess, FileChange } from '../engine/engine.js';
import type { ServicePlan } from '../plan/types.js';
import type { Facts, ReplicaFacts, TaskFacts } from './facts/types.js';
import type { Finding } from './types.js';
import { allCauses, CAUSE_REQUIREMENT } from './startup-causes.js';

/** What verdict functions share: thresholds, the finding constructor and fact helpers. */
/** Paths a container may write to without keeping data: temporary and runtime directories. */
export const TEMPORARY = /^\/(tmp|var\/tmp|run|var\/run|dev\/shm|proc|sys|dev)(\/|$)/;
/** Log files: under /var/log, or named *.log / *.log.N. */
export const LOG_FILE = /(^\/var\/log\/.+|\.log(\.\d+)?$)/;
/** An init shim that runs the service as its only child is allowed as PID 1. */
export const INIT_SHIM = /(^|\/)(tini|dumb-init|docker-init|catatonit|s6-svscan)(\s|$)/;

const MiB = 1024 * 1024;
/** More failed requests than this share of those sent fails Horizontally scaled. */
export const FAILED_SHARE = 0.05;
/** Peak memory above this share of the limit leaves no room: the next burst is an OOM kill. */
export const MEMORY_SHARE = 0.8;
/** A data file at least this large (not an executable, script or archive of code) is a payload. */
export const PAYLOAD_FILE_BYTES = 50 * MiB;
/** An image larger than this is worth a warning. */
export const LARGE_IMAGE_BYTES = 1536 * MiB;

export const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
export const finding = (
  verdict: Finding['verdict'],
  did: string,
  evidence: string[],
  why?: string,
) => ({ verdict, did, evidence, ...(why !== undefined ? { why } : {}) }) satisfies Finding;

export type Check = (f: Facts) => Finding;

/** Replicas that were running when facts were gathered, over every task. */
export const replicasOf = (f: Facts): [TaskFacts, ReplicaFacts][] =>
  f.tasks.flatMap((t) => t.replicas.map((r) => [t, r] as [TaskFacts, ReplicaFacts]));

/**
 * The files a replica wrote that hold data it would lose when replaced: not deleted, not in a
 * temporary folder, not a log (by path, or by repeating the service's own output lines), not put
 * there by Rehearsal, and a folder only when nothing under it changed. Ephemeral's evidence.
 */
export function persistentFiles(t: TaskFacts, r: ReplicaFacts): FileChange[] {
  return keptFiles(r.changes, t.service, r.logLikeFiles ?? []);
}

/** Of a container's changes (`docker diff`), the files it kept: what persistentFiles() keeps. */
export function keptFiles(
  changes: FileChange[],
  service: ServicePlan,
  logLike: string[] = [],
): FileChange[] {
  const logs = new Set(logLike);
  const ours = injected(service);
  return changes.filter(
    (c) =>
      c.kind !== 'deleted' &&
      !changes.some((o) => o !== c && o.path.startsWith(`${c.path}/`)) &&
      !TEMPORARY.test(c.path) &&
      !LOG_FILE.test(c.path) &&
      !logs.has(c.path) &&
      !ours.has(c.path),
  );
}

/**
 * How a check judged the worker tasks, which serve no HTTP: one evidence line each, so a reader
 * sees that a worker was judged, and on what.
 */
export function workerEvidence(f: Facts, how: string): string[] {
  return f.tasks
    .filter((t) => t.service.kind === 'worker')
    .map((t) => `${t.service.name} is a worker (no HTTP): judged ${how}`);
}

/**
 * Why the engine could not build, pull or start this task's image, when that is what stopped the
 * sandbox: Containerized's finding, and the reason every other requirement was not checked.
 */
export function imageFailure(f: Facts, t: TaskFacts): string | undefined {
  const e = f.bootstrap.ok ? undefined : f.bootstrap.error;
  if (!e) return undefined;
  if (e.includes('the engine would not start') && e.includes(`-${t.service.name}-`)) return e;
  if (/the (build|pull) of /.test(e) && e.includes(`${t.service.image.tag} failed`)) return e;
  return undefined;
}

/** Files Rehearsal itself put into each replica (trust store, CA), and their folders. */
export function injected(service: ServicePlan): Set<string> {
  const out = new Set<string>();
  for (const f of service.files ?? [])
    for (let p = f.target; p.length > 1; p = p.slice(0, p.lastIndexOf('/')) || '/') out.add(p);
  return out;
}

/**
 * The service's own processes in a sample: the tree under the container's first process. Other
 * roots are `docker exec` runs — the engine's HEALTHCHECK probes, an operator's shell — which
 * `docker top` lists next to the service; a health-check command line marks them too.
 */
export function withoutProbes(sample: ContainerProcess[], t: TaskFacts): ContainerProcess[] {
  if (sample.length === 0) return sample;
  const pids = new Set(sample.map((p) => p.pid));
  const tests = [t.service.healthcheck?.test, t.image?.healthcheck]
    .filter((x): x is string[] => Array.isArray(x) && x.length > 1 && x[0] !== 'NONE')
    .map((x) => x.slice(1).join(' ').slice(0, 40));
  const roots = sample.filter((p) => !pids.has(p.ppid));
  const main = roots
    .filter((p) => !tests.some((c) => c && p.command.includes(c)))
    .reduce<ContainerProcess | undefined>(
      (a, b) => (a === undefined || b.pid < a.pid ? b : a),
      undefined,
    );
  if (!main) return [];
  const tree = new Set([main.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of sample)
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return sample.filter((p) => tree.has(p.pid));
}

/**
 * "Not checked" when the sandbox never came up: the evidence a check needs does not exist. The
 * reason names the diagnosed cause and the requirement it belongs to (sandbox/checks/startup-causes.ts).
 */
export function needsRunning(f: Facts, did: string): Finding | undefined {
  if (f.bootstrap.ok && replicasOf(f).length > 0) return undefined;
  const causes = allCauses(f.tasks).filter((c) => c.kind !== 'not-started');
  const why = causes.length
    ? causes.map((c) => `${c.text}; see ${requirementTitle(CAUSE_REQUIREMENT[c.kind])}`).join('; ')
    : `${f.bootstrap.error ?? 'no replica ran'}; see Self-bootstrapped`;
  return finding(
    'not-checked',
    did,
    [],
    `not checked, because the sandbox did not come up (${why}); it is checked once every task is healthy`,
  );
}

const TITLES: Record<string, string> = {
  containerized: 'Containerized',
  unencrypted: 'Unencrypted',
  'compute-constrained': 'Compute constrained',
  'not-hardware-dependent': 'Not hardware dependent',
  'self-bootstrapped': 'Self-bootstrapped',
};
const requirementTitle = (id: string | undefined) => (id ? (TITLES[id] ?? id) : 'the report');
