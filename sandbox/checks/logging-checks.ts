import { LOG_FILE, finding, needsRunning, replicasOf, type Check } from './judging.js';

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
};
