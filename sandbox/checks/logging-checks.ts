import {
  LOG_FILE,
  finding,
  needsRunning,
  persistentFiles,
  replicasOf,
  workerEvidence,
  type Check,
} from './judging.js';

/** Checks of what replicas print and write: stdout, log files, PHI. */
export const LOGGING_CHECKS: Record<string, Check> = {
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
    const evidence: string[] = workerEvidence(f, 'by docker diff of its replicas');
    const problems: string[] = [];
    for (const [, r] of replicasOf(f)) {
      const logs = r.changes.filter(
        (c) =>
          c.kind !== 'deleted' &&
          (LOG_FILE.test(c.path) || (r.logLikeFiles ?? []).includes(c.path)),
      );
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
    const did = `Sent synthetic PHI (a patient name, MRN, birth date, phone, e-mail) in each task's journeys and its smoke test, then searched every replica's stdout, stderr and every file it wrote (docker diff) for it.`;
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const evidence: string[] = [];
    const problems: string[] = [];
    const unsearched: string[] = [];
    for (const t of f.tasks)
      for (const p of t.traffic?.planted ?? []) evidence.push(`${t.service.name}: ${p}`);
    for (const [t, r] of replicasOf(f)) {
      // PHI in a data file the service keeps is that file's problem (Ephemeral), not a log's.
      const data = persistentFiles(t, r).map((c) => `${c.path}:`);
      const inData = (r.canaryFiles ?? []).filter((l) => data.some((d) => l.startsWith(d)));
      const files = (r.canaryFiles ?? []).filter((l) => !inData.includes(l));
      if (inData.length > 0)
        evidence.push(
          `${r.name}: synthetic PHI in ${inData.length} line(s) of data files it kept (${inData[0]!.slice(0, 120)}): not a log; judged under Ephemeral`,
        );
      evidence.push(
        `${r.name}: ${r.canaryLines.length} output line(s) and ${files.length} written file line(s) with synthetic PHI`,
      );
      if (r.canaryLines.length > 0)
        problems.push(`${r.name} logged synthetic PHI: ${r.canaryLines[0]!.slice(0, 200)}`);
      if (files.length > 0) problems.push(`${r.name} wrote synthetic PHI to ${files[0]!}`);
      if (r.filesUnsearched) unsearched.push(`${r.name}: ${r.filesUnsearched}`);
    }
    if (problems.length > 0) return finding('fail', did, evidence, problems.join('; '));
    const sent = f.tasks.filter((t) => t.traffic && t.traffic.sent > 0);
    if (sent.length === 0 && !f.tasks.some((t) => t.smoke))
      return finding(
        'not-checked',
        did,
        evidence,
        'no request carried synthetic PHI (no HTTP task behind the edge, no smoke test): declare `health: { path }` or `smoke: { command }` in rehearsal.yaml',
      );
    if (unsearched.length > 0)
      return finding(
        'not-checked',
        did,
        [...evidence, ...unsearched],
        `the output holds no synthetic PHI, but the files written could not be searched (${unsearched[0]}): add \`head\` (coreutils or busybox) to the image`,
      );
    return finding('pass', did, evidence);
  },
};
