import {
  FAILED_SHARE,
  INIT_SHIM,
  MEMORY_SHARE,
  finding,
  keptFiles,
  persistentFiles,
  mib,
  needsRunning,
  replicasOf,
  withoutProbes,
  workerEvidence,
  type Check,
} from './judging.js';
import type { TaskFacts } from './facts/types.js';
import { causesFor } from './startup-causes.js';

/**
 * Why a task's failed smoke test is another requirement's finding, if it is: every replica died
 * (an OOM kill: Compute constrained), or its session was refused by a replica that did not issue
 * it while the traffic phase saw the same (Dynamically scalable).
 */
function smokeFailureCause(t: TaskFacts, output: string[]): string | undefined {
  const down = t.replicas.filter((r) => r.down);
  if (t.replicas.length > 0 && down.length === t.replicas.length)
    return `every replica had died (${down[0]!.down}; see Compute constrained)`;
  if ((t.traffic?.sessions?.refused ?? 0) > 0 && output.some((l) => /\b40[13]\b/.test(l)))
    return 'a replica refused a session another one issued (see Dynamically scalable)';
  return undefined;
}

/** Checks of the running sandbox: bootstrapping, traffic, processes, hosts, memory, stopping. */
export const RUNTIME_CHECKS: Record<string, Check> = {
  ephemeral(f) {
    const did =
      "Read each image's declared volumes and, after the load, listed every file the replicas (and the initialization tasks) wrote outside temporary directories (docker diff).";
    const evidence: string[] = [];
    const problems: string[] = [];
    for (const t of f.tasks) {
      const vols = t.image?.volumes ?? [];
      if (vols.length > 0)
        problems.push(`${t.service.name}'s image declares VOLUME ${vols.join(', ')}`);
    }
    // An initialization step's container is gone once it ran: what it kept there, nobody sees.
    for (const i of f.initialization ?? []) {
      if (i.changesError) {
        evidence.push(
          `initialization ${i.service.name}: its files could not be listed (${i.changesError})`,
        );
        continue;
      }
      if (i.container === undefined) continue;
      const files = keptFiles(i.changes, i.service);
      evidence.push(
        `initialization ${i.service.name} (${i.container}): ${i.changes.length} change(s), ${files.length} outside temporary paths`,
      );
      if (files.length > 0)
        problems.push(
          `initialization task ${i.service.name} wrote ${files
            .slice(0, 5)
            .map((c) => c.path)
            .join(
              ', ',
            )}${files.length > 5 ? ` and ${files.length - 5} more` : ''} to its own container's disk, which no web or worker replica sees and which is gone with it: load the data into the database`,
        );
    }
    const waiting = needsRunning(f, did);
    if (!waiting) {
      evidence.push(...workerEvidence(f, 'by docker diff of its replicas'));
      for (const [t, r] of replicasOf(f)) {
        // Log files are Logging's finding, not a second one here (judging.ts).
        const files = persistentFiles(t, r);
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
    const explained: string[] = [];
    for (const t of declared) {
      const s = t.smoke!;
      evidence.push(
        `${t.service.name}: \`${s.command.join(' ')}\` exited ${s.exitCode} after ${(s.ms / 1000).toFixed(1)} s`,
      );
      evidence.push(...s.output.slice(-8).map((l) => `  │ ${l}`));
      const because = smokeFailureCause(t, s.output);
      if ((s.timedOut || s.exitCode !== 0) && because)
        explained.push(`${t.service.name}'s smoke test exited ${s.exitCode}, because ${because}`);
      else if (s.timedOut) failures.push(`${t.service.name}'s smoke test did not finish in time`);
      else if (s.exitCode !== 0)
        failures.push(`${t.service.name}'s smoke test exited ${s.exitCode}`);
    }
    if (failures.length > 0) return finding('fail', did, evidence, failures.join('; '));
    if (explained.length > 0)
      return finding(
        'not-checked',
        did,
        evidence,
        `not checked, because the smoke test's failure follows from another requirement's: ${explained.join('; ')}; fix that and it is checked again`,
      );
    return finding('pass', did, evidence);
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
    for (const t of f.tasks.filter((x) => x.service.kind === 'worker')) {
      evidence.push(
        `${t.service.name} is a worker (no HTTP): judged by its replicas running at once: ${t.replicas.length}`,
      );
      if (t.replicas.length < 2)
        failures.push(
          `${t.service.name} ran ${t.replicas.length} replica(s); at least 2 must run at once`,
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
    const evidence: string[] = workerEvidence(f, 'by docker top of its replicas');
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

  'compute-constrained'(f) {
    const did =
      "Compared each task's declared memory_maximum with the limit the engine enforced and the peak memory sampled under load; looked for OOM kills.";
    const evidence: string[] = workerEvidence(
      f,
      'by the memory its replicas used against their limit',
    );
    const problems: string[] = [];
    for (const c of causesFor(f.tasks, 'compute-constrained')) problems.push(c.text);
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

  stoppable(f) {
    const did = `Stopped one replica of each task with SIGTERM and timed it against the ${f.stopBudgetSeconds} s budget of profile ${f.profile}.`;
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = workerEvidence(f, 'by a SIGTERM timed on one of its replicas');
    const problems: string[] = [];
    const unknown: string[] = [];
    for (const t of f.tasks) {
      if (!t.stop) continue;
      if (t.stop.notRunning) {
        unknown.push(t.stop.replica);
        evidence.push(
          `${t.stop.replica}: not timed, it had already stopped (${t.stop.notRunning}) before SIGTERM`,
        );
        continue;
      }
      if (t.stop.error) {
        evidence.push(`${t.stop.replica}: the engine could not stop it: ${t.stop.error}`);
        continue;
      }
      const given = t.stop.budgetSeconds ?? f.stopBudgetSeconds;
      evidence.push(
        `${t.stop.replica}: exited ${t.stop.exitCode} after ${(t.stop.ms / 1000).toFixed(1)} s${t.stop.killed ? ` (SIGKILL at the ${given} s budget)` : ''}`,
      );
      // Judged again under another profile: a stop killed at a shorter budget says nothing
      // about a longer one.
      if (t.stop.killed && given < f.stopBudgetSeconds) unknown.push(t.stop.replica);
      else if (t.stop.killed)
        problems.push(
          `${t.stop.replica} was still running ${given} s after SIGTERM and was killed`,
        );
      else if (t.stop.ms > f.stopBudgetSeconds * 1000)
        problems.push(
          `${t.stop.replica} took ${(t.stop.ms / 1000).toFixed(1)} s to exit after SIGTERM, over the ${f.stopBudgetSeconds} s budget`,
        );
    }
    if (!f.tasks.some((t) => t.stop))
      return finding('not-checked', did, evidence, 'no replica was left to stop');
    if (problems.length === 0 && unknown.length > 0)
      return finding(
        'not-checked',
        did,
        evidence,
        f.tasks.some((t) => t.stop?.notRunning)
          ? `not checked, because ${unknown.join(', ')} had already died before SIGTERM (see Compute constrained); it is timed once a replica stays up`
          : `${unknown.join(', ')} was killed at the run's shorter budget; run the check under profile ${f.profile} to time it against ${f.stopBudgetSeconds} s`,
      );
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
      if (t.service.kind === 'worker') {
        // A worker has no port: its own health check, else "running and not restarting".
        evidence.push(
          `${t.service.name} is a worker (no HTTP): ${own ?? 'no HEALTHCHECK of its own'}; judged healthy ${own ? 'by it' : 'while running and not restarting'}`,
        );
        continue;
      }
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
};
