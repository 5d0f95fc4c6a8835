import type { ContainerProcess } from '../engine/engine.js';
import type { Facts, ReplicaFacts, TaskFacts } from './facts/types.js';
import type { Finding } from './types.js';

/** Paths a container may write to without keeping data: temporary and runtime directories. */
const TEMPORARY = /^\/(tmp|var\/tmp|run|var\/run|dev\/shm|proc|sys|dev)(\/|$)/;
/** Log files: under /var/log, or named *.log / *.log.N. */
const LOG_FILE = /(^\/var\/log\/.+|\.log(\.\d+)?$)/;
/** An init shim that runs the service as its only child is allowed as PID 1. */
const INIT_SHIM = /(^|\/)(tini|dumb-init|docker-init|catatonit|s6-svscan)(\s|$)/;

const MiB = 1024 * 1024;
/** More failed requests than this share of those sent fails Horizontally scaled. */
export const FAILED_SHARE = 0.05;
/** Peak memory above this share of the limit leaves no room: the next burst is an OOM kill. */
export const MEMORY_SHARE = 0.8;
/** A data file at least this large (not an executable, script or archive of code) is a payload. */
export const PAYLOAD_FILE_BYTES = 50 * MiB;
/** An image larger than this is worth a warning. */
export const LARGE_IMAGE_BYTES = 1536 * MiB;

const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
const finding = (verdict: Finding['verdict'], did: string, evidence: string[], why?: string) =>
  ({ verdict, did, evidence, ...(why !== undefined ? { why } : {}) }) satisfies Finding;

type Check = (f: Facts) => Finding;

/** Replicas that were running when facts were gathered, over every task. */
const replicasOf = (f: Facts): [TaskFacts, ReplicaFacts][] =>
  f.tasks.flatMap((t) => t.replicas.map((r) => [t, r] as [TaskFacts, ReplicaFacts]));

/** Files Rehearsal itself put into each replica (trust store, CA), and their folders. */
function injected(t: TaskFacts): Set<string> {
  const out = new Set<string>();
  for (const f of t.service.files ?? [])
    for (let p = f.target; p.length > 1; p = p.slice(0, p.lastIndexOf('/')) || '/') out.add(p);
  return out;
}

/**
 * The service's own processes in a sample: the tree under the container's first process. Other
 * roots are `docker exec` runs — the engine's HEALTHCHECK probes, an operator's shell — which
 * `docker top` lists next to the service; a health-check command line marks them too.
 */
function withoutProbes(sample: ContainerProcess[], t: TaskFacts): ContainerProcess[] {
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

/** "Not checked" when the sandbox never came up: the evidence a check needs does not exist. */
function needsRunning(f: Facts, did: string): Finding | undefined {
  if (f.bootstrap.ok && replicasOf(f).length > 0) return undefined;
  return finding(
    'not-checked',
    did,
    [],
    `the sandbox did not come up (${f.bootstrap.error ?? 'no replica ran'}); see Self-bootstrapped`,
  );
}

export const CHECKS: Record<string, Check> = {
  containerized(f) {
    const did = "Inspected each task's image with the engine and ran it as the sandbox's replicas.";
    const evidence: string[] = [];
    const failures: string[] = [];
    for (const t of f.tasks) {
      if (!t.image) {
        failures.push(`${t.service.name}: ${t.imageError ?? 'the image could not be inspected'}`);
        continue;
      }
      evidence.push(
        `${t.service.name}: ${t.service.image.tag} (${t.image.id.slice(7, 19)}), ${t.image.os}/${t.image.architecture}, ${mib(t.image.sizeBytes)}, ${t.replicas.length} replica(s) ran`,
      );
      if (t.image.os !== 'linux')
        failures.push(`${t.service.name}: the image is for ${t.image.os}, not linux`);
      else if (t.replicas.length === 0 && f.bootstrap.ok === false)
        failures.push(
          `${t.service.name}: no replica of the image ran (${f.bootstrap.error ?? 'unknown'})`,
        );
    }
    return failures.length > 0
      ? finding('fail', did, [...evidence, ...failures], failures.join('; '))
      : finding('pass', did, evidence);
  },

  'x86-64'(f) {
    const did = "Read each task image's platform from its configuration.";
    const evidence: string[] = [];
    const other: string[] = [];
    for (const t of f.tasks) {
      if (!t.image) continue;
      evidence.push(`${t.service.name}: ${t.image.os}/${t.image.architecture}`);
      if (!['amd64', '386', 'x86_64', 'i386'].includes(t.image.architecture))
        other.push(`${t.service.name} is built for ${t.image.architecture}`);
    }
    if (evidence.length === 0)
      return finding('not-checked', did, [], 'no image could be inspected; see Containerized');
    if (other.length === 0) return finding('pass', did, evidence);
    return f.profile === 'hl7-hsp-r2'
      ? finding(
          'warn',
          did,
          evidence,
          `${other.join('; ')}: HSP R2 accepts other architectures as optional`,
        )
      : finding('fail', did, evidence, `${other.join('; ')}; the Marketplace runs x86-64 only`);
  },

  ephemeral(f) {
    const did =
      "Read each image's declared volumes and, after the load, listed every file the replicas wrote outside temporary directories (docker diff).";
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const t of f.tasks) {
      const vols = t.image?.volumes ?? [];
      if (vols.length > 0)
        problems.push(`${t.service.name}'s image declares VOLUME ${vols.join(', ')}`);
    }
    const waiting = needsRunning(f, did);
    if (!waiting) {
      for (const [t, r] of replicasOf(f)) {
        // Log files are the logging check's finding, not a second one here.
        const kept = r.changes.filter(
          (c) =>
            c.kind !== 'deleted' &&
            !TEMPORARY.test(c.path) &&
            !LOG_FILE.test(c.path) &&
            !injected(t).has(c.path),
        );
        const files = kept.filter(
          (c) => !kept.some((o) => o !== c && o.path.startsWith(`${c.path}/`)),
        );
        evidence.push(
          `${r.name}: ${r.changes.length} change(s), ${files.length} outside temporary paths`,
        );
        if (files.length > 0)
          problems.push(
            `${t.service.name} replica ${r.name} wrote ${files
              .slice(0, 5)
              .map((c) => c.path)
              .join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}`,
          );
      }
    }
    if (problems.length > 0)
      return finding('fail', did, [...evidence, ...problems], problems.join('; '));
    return waiting ?? finding('pass', did, evidence);
  },

  'programmatically-verifiable'(f) {
    const did =
      "Ran the declared smoke test once, in the task's image on the sandbox network, against the sandbox URL.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const declared = f.tasks.filter((t) => t.smoke);
    if (declared.length === 0)
      return finding(
        'warn',
        did,
        [],
        'no smoke test is declared: add `smoke: { command: [...] }` to rehearsal.yaml so the Marketplace (and Rehearsal) can verify the service',
      );
    const evidence: string[] = [];
    const failures: string[] = [];
    for (const t of declared) {
      const s = t.smoke!;
      evidence.push(
        `${t.service.name}: \`${s.command.join(' ')}\` exited ${s.exitCode} after ${(s.ms / 1000).toFixed(1)} s`,
      );
      evidence.push(...s.output.slice(-8).map((l) => `  │ ${l}`));
      if (s.timedOut) failures.push(`${t.service.name}'s smoke test did not finish in time`);
      else if (s.exitCode !== 0)
        failures.push(`${t.service.name}'s smoke test exited ${s.exitCode}`);
    }
    return failures.length > 0
      ? finding('fail', did, evidence, failures.join('; '))
      : finding('pass', did, evidence);
  },

  'horizontally-scaled'(f) {
    const did =
      'Ran several replicas of each HTTP task at once and sent traffic through the TLS edge; counted which replica answered each request.';
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const failures: string[] = [];
    for (const t of f.tasks.filter((x) => x.traffic)) {
      const tr = t.traffic!;
      const served = Object.entries(tr.byReplica).filter(([, n]) => n > 0);
      evidence.push(
        `${t.service.name}: ${t.replicas.length} replica(s) running; ${tr.ok}/${tr.sent} requests answered; per replica: ${served.map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`,
      );
      if (t.replicas.length < 2)
        failures.push(
          `${t.service.name} ran ${t.replicas.length} replica(s); at least 2 must run at once`,
        );
      else if (served.length < 2)
        failures.push(
          `only ${served.length} of ${t.replicas.length} ${t.service.name} replicas served requests`,
        );
      // A few failures are the chaos verdicts' business; many mean replicas cannot share the load.
      if (tr.failed > Math.max(1, tr.sent * FAILED_SHARE))
        failures.push(
          `${tr.failed} of ${tr.sent} requests to ${t.service.name} failed (${Object.entries(
            tr.errors,
          )
            .map(([k, v]) => `${k} ×${v}`)
            .join(', ')})`,
        );
    }
    if (evidence.length === 0) return finding('not-applicable', did, [], 'no task serves HTTP');
    return failures.length > 0
      ? finding('fail', did, evidence, failures.join('; '))
      : finding('pass', did, evidence);
  },

  'single-process'(f) {
    const did = 'Listed the processes of every replica (docker top) at start and after the load.';
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const extra: string[] = [];
    for (const [t, r] of replicasOf(f)) {
      const most = r.processSamples
        .map((sample) => withoutProbes(sample, t))
        .reduce((a, b) => (b.length > a.length ? b : a), []);
      const shim = most.length === 2 && most.some((p) => INIT_SHIM.test(p.command));
      evidence.push(
        `${r.name}: ${most.length} process(es): ${most.map((p) => p.command.slice(0, 60)).join(' | ')}`,
      );
      if (most.length > 1 && !shim) extra.push(`${r.name} ran ${most.length} processes`);
    }
    return extra.length > 0
      ? finding(
          'fail',
          did,
          evidence,
          `${extra.join('; ')}: run one process per container (exec from start scripts) and declare workers as their own tasks`,
        )
      : finding('pass', did, evidence);
  },

  'dns-agnostic'(f) {
    const did =
      "Requested pages straight from a replica under two other host names and ports, then looked for absolute URLs naming any other host; read the image's environment for baked-in domain names; ran the smoke test in another locale and time zone.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const t of f.tasks) {
      for (const p of t.hostProbes) {
        const foreign = p.urls.filter((u) => {
          try {
            return new URL(u).host.toLowerCase() !== p.hostUsed.toLowerCase();
          } catch {
            return false;
          }
        });
        evidence.push(
          `${p.request} → ${p.status ?? p.error}; ${p.urls.length} absolute URL(s)${foreign.length ? `, naming another host: ${foreign.slice(0, 3).join(', ')}` : ''}`,
        );
        if (foreign.length > 0)
          problems.push(`${t.service.name} answered ${p.request} with ${foreign[0]}`);
      }
      for (const e of t.image?.env ?? []) {
        const [key = '', value = ''] = [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)];
        if (
          /^https?:\/\/(?!localhost|127\.|\$)[a-z0-9.-]+\.[a-z]{2,}/i.test(value) &&
          !/^(PATH|.*_VERSION|.*_SHA256|GPG_KEY.*)$/.test(key)
        )
          problems.push(
            `${t.service.name}'s image sets ${key} to a URL with a domain name (${value.slice(0, 60)})`,
          );
      }
      const loc = t.smoke?.locale;
      if (loc) {
        evidence.push(
          `smoke test with ${Object.entries(loc.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}: exit ${loc.exitCode}`,
        );
        if (loc.exitCode !== 0 && t.smoke?.exitCode === 0)
          problems.push(
            `${t.service.name}'s smoke test passes by default but fails with ${Object.entries(
              loc.env,
            )
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
          );
      }
    }
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  unencrypted(f) {
    const did =
      "Sent a plain-HTTP request straight to each replica's task port, and one with X-Forwarded-Proto: https to see which scheme its absolute URLs use.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const [, r] of replicasOf(f)) {
      if (!r.plainHttp) continue;
      evidence.push(`${r.name}: ${r.plainHttp.detail}`);
      if (!r.plainHttp.ok)
        problems.push(
          `${r.name} does not speak plain HTTP on its task port (${r.plainHttp.detail})`,
        );
    }
    for (const t of f.tasks) {
      for (const p of t.hostProbes.filter((x) => x.request.includes('X-Forwarded-Proto: https'))) {
        const insecure = p.urls.filter((u) =>
          u.toLowerCase().startsWith(`http://${p.hostUsed.toLowerCase()}`),
        );
        if (insecure.length > 0)
          problems.push(
            `${t.service.name} ignores X-Forwarded-Proto: ${p.request} answered ${insecure[0]}`,
          );
      }
    }
    if (evidence.length === 0) return finding('not-applicable', did, [], 'no task serves HTTP');
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  'compute-constrained'(f) {
    const did =
      "Compared each task's declared memory_maximum with the limit the engine enforced and the peak memory sampled under load; looked for OOM kills.";
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const t of f.tasks) {
      if (t.declaredMemoryBytes === undefined)
        problems.push(`${t.service.name} declares no memory_maximum`);
      else evidence.push(`${t.service.name}: declared ${mib(t.declaredMemoryBytes)}`);
      for (const r of t.replicas) {
        evidence.push(
          `${r.name}: limit ${mib(r.memoryLimitBytes)}, peak ${r.peakMemoryBytes !== undefined ? mib(r.peakMemoryBytes) : 'not sampled'}${r.oomKilled ? ', OOM-killed' : ''}`,
        );
        if (r.oomKilled) problems.push(`${r.name} was killed for exceeding its memory limit`);
        else if (
          r.peakMemoryBytes !== undefined &&
          r.memoryLimitBytes > 0 &&
          r.peakMemoryBytes > MEMORY_SHARE * r.memoryLimitBytes
        )
          problems.push(
            `${r.name} peaked at ${mib(r.peakMemoryBytes)}, over 80 % of its ${mib(r.memoryLimitBytes)} limit`,
          );
      }
    }
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  'self-bootstrapped'(f) {
    const did = `Started the sandbox from nothing (an empty database) and waited, without intervention, for every replica to be healthy (budget ${f.bootstrapBudgetMs / 1000} s).`;
    const evidence = [`healthy after ${(f.bootstrap.ms / 1000).toFixed(1)} s`];
    if (!f.bootstrap.ok)
      return finding(
        'fail',
        did,
        [f.bootstrap.error ?? 'not healthy'],
        `the sandbox did not become healthy by itself: ${f.bootstrap.error ?? 'unknown'}`,
      );
    return f.bootstrap.ms > f.bootstrapBudgetMs
      ? finding(
          'fail',
          did,
          evidence,
          `bootstrapping took longer than ${f.bootstrapBudgetMs / 1000} s`,
        )
      : finding('pass', did, evidence);
  },

  stoppable(f) {
    const did = `Stopped one replica of each task with SIGTERM and timed it against the ${f.stopBudgetSeconds} s budget of profile ${f.profile}.`;
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const t of f.tasks) {
      if (!t.stop) continue;
      if (t.stop.error) {
        evidence.push(`${t.stop.replica}: the engine could not stop it: ${t.stop.error}`);
        continue;
      }
      evidence.push(
        `${t.stop.replica}: exited ${t.stop.exitCode} after ${(t.stop.ms / 1000).toFixed(1)} s${t.stop.killed ? ' (SIGKILL at the budget)' : ''}`,
      );
      if (t.stop.killed)
        problems.push(
          `${t.stop.replica} was still running ${f.stopBudgetSeconds} s after SIGTERM and was killed`,
        );
    }
    if (evidence.length === 0)
      return finding('not-checked', did, [], 'no replica was left to stop');
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  'health-traceability'(f) {
    const did =
      "Looked for a health check: the path Rehearsal probes (rehearsal.yaml) or the image's HEALTHCHECK.";
    const evidence: string[] = [];
    const missing: string[] = [];
    for (const t of f.tasks) {
      const probe = t.service.probe
        ? `GET ${t.service.probe.path} on port ${t.service.probe.port}`
        : undefined;
      const own =
        t.image?.healthcheck && t.image.healthcheck[0] !== 'NONE'
          ? `HEALTHCHECK ${t.image.healthcheck.slice(1).join(' ').slice(0, 80)}`
          : undefined;
      evidence.push(`${t.service.name}: ${[probe, own].filter(Boolean).join('; ') || 'none'}`);
      if (!own && (!t.service.probe || t.service.probe.path === '/')) missing.push(t.service.name);
    }
    return missing.length > 0
      ? finding(
          'warn',
          did,
          evidence,
          `${missing.join(', ')}: no health endpoint declared (only "/" is probed); declare \`health: { path }\` in rehearsal.yaml`,
        )
      : finding('pass', did, evidence);
  },

  'logging-stdout'(f) {
    const did = 'Counted the lines each replica wrote to stdout and stderr during the run.';
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence = replicasOf(f).map(([, r]) => `${r.name}: ${r.logLines} line(s)`);
    const silent = replicasOf(f)
      .filter(([, r]) => r.logLines === 0)
      .map(([, r]) => r.name);
    return silent.length > 0
      ? finding(
          'warn',
          did,
          evidence,
          `${silent.join(', ')} wrote nothing to stdout or stderr under load`,
        )
      : finding('pass', did, evidence);
  },

  'logging-no-files'(f) {
    const did =
      'Listed the files each replica created or changed (docker diff) after the load, looking for log files.';
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const [, r] of replicasOf(f)) {
      const logs = r.changes.filter((c) => c.kind !== 'deleted' && LOG_FILE.test(c.path));
      evidence.push(
        `${r.name}: ${logs.length} log file(s)${
          logs.length
            ? `: ${logs
                .slice(0, 3)
                .map((c) => c.path)
                .join(', ')}`
            : ''
        }`,
      );
      if (logs.length > 0) problems.push(`${r.name} wrote ${logs[0]!.path}`);
    }
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  'no-phi-in-logs'(f) {
    const did = `Planted a synthetic patient name in requests and the smoke test, then searched every replica's output for it.`;
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const [, r] of replicasOf(f)) {
      evidence.push(`${r.name}: ${r.canaryLines.length} line(s) with the planted name`);
      if (r.canaryLines.length > 0)
        problems.push(
          `${r.name} logged the planted patient name: ${r.canaryLines[0]!.slice(0, 160)}`,
        );
    }
    return problems.length > 0
      ? finding('fail', did, evidence, problems.join('; '))
      : finding('pass', did, evidence);
  },

  'no-data-payloads'(f) {
    const did = `Looked inside every layer of each task's image for files of ${mib(PAYLOAD_FILE_BYTES)} or more that are not software (executables, scripts, code archives), and at the image's size.`;
    const evidence: string[] = [];
    const problems: string[] = [];
    const warnings: string[] = [];
    for (const t of f.tasks) {
      if (!t.image) continue;
      if (!t.layers) {
        evidence.push(`${t.service.name}: layers not read (${t.layersError ?? 'unknown'})`);
        continue;
      }
      evidence.push(
        `${t.service.name}: ${mib(t.image.sizeBytes)} in ${t.layers.layers} layer(s); largest files: ${t.layers.largest
          .slice(0, 5)
          .map((x) => `${x.path} ${mib(x.bytes)}${x.software ? '' : ' (data)'}`)
          .join(', ')}`,
      );
      const data = t.layers.largest.filter((x) => !x.software && x.bytes >= PAYLOAD_FILE_BYTES);
      if (data.length > 0)
        problems.push(
          `${t.service.name}'s image bundles ${data.map((x) => `${x.path} (${mib(x.bytes)}, layer ${x.layer})`).join(', ')}`,
        );
      if (t.image.sizeBytes > LARGE_IMAGE_BYTES)
        warnings.push(`${t.service.name}'s image is ${mib(t.image.sizeBytes)}`);
    }
    if (problems.length > 0) return finding('fail', did, evidence, problems.join('; '));
    if (evidence.length === 0)
      return finding('not-checked', did, [], 'no image could be inspected; see Containerized');
    if (f.tasks.some((t) => t.image && !t.layers))
      return finding('not-checked', did, evidence, 'the layers of an image could not be read');
    return warnings.length > 0
      ? finding('warn', did, evidence, warnings.join('; '))
      : finding('pass', did, evidence);
  },

  'not-hardware-dependent'(f) {
    const did =
      'Ran every replica as Rehearsal always does — no devices, no privileged mode, no host paths — and required it to become healthy and serve.';
    if (!f.bootstrap.ok)
      return finding(
        'fail',
        did,
        [f.bootstrap.error ?? ''],
        `the service did not become healthy without devices, privileges or host paths: ${f.bootstrap.error ?? 'unknown'}`,
      );
    const evidence = replicasOf(f).map(
      ([, r]) => `${r.name}: healthy without devices, privileges or host mounts`,
    );
    return finding('pass', did, evidence);
  },
};

/** Checks that need machinery not in this run: they say so, with the reason and what to run. */
export const NOT_IN_THIS_RUN: Record<string, string> = {
  'dynamically-scalable':
    'measured under chaos: run `rehearsal chaos`, whose scalable verdict covers it',
  incorruptible:
    'measured under chaos: run `rehearsal chaos`, whose incorruptible verdict covers it',
  'good-citizen':
    'outbound connections are not observed yet; this version of Rehearsal does not watch them',
  'offline-friendly':
    'a run on a network with no route out is not made yet by this version of Rehearsal',
  profilable: "the trace collector is not built into this version of Rehearsal's runtime image yet",
  'sso-aware':
    'OIDC login is exercised by the identity provider suite (`rehearsal idp`), not by this run yet',
  provisionable: 'the SCIM suite runs with the identity provider, not in this run yet',
};
