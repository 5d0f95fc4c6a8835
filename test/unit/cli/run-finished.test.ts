import { describe, expect, it } from 'vitest';
import { plainReporter } from '../../../cli/plain-reporter.js';
import { chaosFinished, type ChaosVerdict } from '../../../sandbox/chaos/verdicts.js';
import type { ChaosReport } from '../../../sandbox/chaos/report.js';
import { finishedReducer } from '../../../cli/ui/dashboard/slices/finished.js';
import { judge, summarise } from '../../../sandbox/checks/run.js';
import { checkVerdict, type Report } from '../../../sandbox/checks/types.js';
import type { RehearsalEvent } from '../../../sandbox/events.js';
import { runOutcome } from '../../../sandbox/verdict.js';
import { oneTaskFacts } from '../checks/one-task.js';

const verdict = (requirement: ChaosVerdict['requirement'], outcome: ChaosVerdict['outcome']) => ({
  requirement,
  outcome,
  summary: `${requirement} ${outcome}`,
  evidence: [],
});

function chaosReport(verdicts: ChaosVerdict[]): ChaosReport {
  return {
    engine: 'docker',
    seed: 7,
    sandboxId: 'notes',
    service: 'api',
    journal: '/tmp/chaos-7.jsonl',
    interrupted: false,
    actions: [],
    verdicts,
    recovery: { this: { engine: 'docker', at: '2026-12-07T21:00:00Z', kills: 0 } },
    traffic: {
      requests: 100,
      seconds: 10,
      rps: 10,
      p50Ms: 3,
      p99Ms: 9,
      errors: {},
      replicas: {},
      acknowledgedWrites: 0,
      lostWrites: 0,
      duplicatedWrites: 0,
      unrouted: 0,
      origin: 'declared',
      journeys: {},
    },
  };
}

function checkReport(): Report {
  const results = judge(oneTaskFacts({}));
  return {
    schema: 'rehearsal-check/1',
    tool: { name: 'rehearsal', version: '0.0.0' },
    product: 'notes',
    declaration: { file: 'marketplace.json', sha256: 'x' },
    profile: 'hspc-2016',
    sandbox: 'notes-check',
    startedAt: '2026-12-07T21:00:00Z',
    finishedAt: '2026-12-07T21:01:00Z',
    durationMs: 60_000,
    results,
    summary: summarise(results),
    timeline: [],
  };
}

/** What a view prints for these events: stdout and stderr apart. */
function view(events: RehearsalEvent[], o: { json?: boolean; progress?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const emit = plainReporter({
    verbose: false,
    ...o,
    out: (s) => (stdout += s),
    write: (s) => (stderr += s),
  });
  for (const e of events) emit(e);
  return { stdout, stderr };
}

describe('one verdict vocabulary', () => {
  it('a failed MUST, from chaos or a check, is an outcome with exit code 1', () => {
    const failed = chaosFinished(
      chaosReport([verdict('ephemeral', 'pass'), verdict('stateless', 'fail')]),
    );
    expect(failed.outcome).toEqual({ judged: 2, failed: ['stateless'], exitCode: 1 });
    const notChecked = chaosFinished(chaosReport([verdict('ephemeral', 'not-checked')]));
    expect(notChecked.outcome.exitCode).toBe(0);

    const results = checkReport().results;
    const verdicts = results.map(checkVerdict);
    const mustFailed = results.filter((r) => r.verdict === 'fail' && r.severity === 'MUST');
    expect(runOutcome(verdicts).failed).toEqual(mustFailed.map((r) => r.title));
    expect(runOutcome(verdicts).exitCode).toBe(mustFailed.length > 0 ? 1 : 0);
    // A failed SHOULD is reported, not a failed run.
    expect(runOutcome([{ ...verdicts[0]!, severity: 'SHOULD', outcome: 'fail' }]).exitCode).toBe(0);
  });
});

describe('run.finished in the plain view', () => {
  it('prints the chaos summary and what failed on stdout, without an error banner', () => {
    const e = chaosFinished(
      chaosReport([verdict('ephemeral', 'pass'), verdict('stateless', 'fail')]),
    );
    const { stdout, stderr } = view([e]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Chaos on notes\/api, seed 7/);
    expect(stdout).toMatch(/FAIL +stateless: stateless fail/);
    expect(stdout).toMatch(/1 of 2 verdicts failed: stateless\. .*--seed 7 repeats the run/);
    expect(stdout).not.toMatch(/Error:/);
  });

  it('prints the report as JSON with --json, and nothing else on stdout', () => {
    const report = chaosReport([verdict('scalable', 'pass')]);
    const { stdout } = view(
      [{ type: 'warning', message: 'journal changed' }, chaosFinished(report)],
      { json: true },
    );
    expect(JSON.parse(stdout)).toEqual(report);
  });

  it('prints the check table, the reports and the failed MUSTs; --ci drops only the progress', () => {
    const report = checkReport();
    const outcome = runOutcome(report.results.map(checkVerdict));
    const e: RehearsalEvent = {
      type: 'run.finished',
      run: 'check',
      report,
      outcome: { ...outcome, failed: ['Stoppable'], exitCode: 1 },
      kept: true,
      reports: { dir: '/tmp/out', files: ['/tmp/out/report.md'] },
    };
    const { stdout, stderr } = view([{ type: 'check.step', text: 'stopping a replica' }, e], {
      progress: false,
    });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/notes under hspc-2016: \d+ pass/);
    expect(stdout).toMatch(/^Reports: \/tmp\/out\/report\.md$/m);
    expect(stdout).toMatch(/The check sandbox notes-check is left running/);
    expect(stdout).toMatch(
      /1 MUST requirement\(s\) failed: Stoppable\. Read \/tmp\/out\/report\.md/,
    );
  });

  it('shows progress and chaos verdicts on stderr, and a check verdict only in the final table', () => {
    const check = checkVerdict(checkReport().results[0]!);
    const { stdout, stderr } = view([
      { type: 'check.step', text: 'stopping a replica' },
      { type: 'requirement.judged', ...check },
      {
        type: 'requirement.judged',
        source: 'chaos',
        title: 'ephemeral',
        severity: 'MUST',
        ...verdict('ephemeral', 'not-checked'),
      },
    ]);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'Check: stopping a replica\nNOT CHECKED ephemeral: ephemeral not-checked\n',
    );
  });
});

describe('run.finished in the dashboard', () => {
  it('is one finished line saying which run ended and what failed', () => {
    const e = chaosFinished(chaosReport([verdict('stateless', 'fail')]));
    const f = finishedReducer({ epoch: 0, items: [], next: 0 }, { ...e, at: 0 });
    expect(f.items).toEqual([
      {
        seq: 0,
        text: 'The chaos run (seed 7) finished: 1 of 1 verdicts failed: stateless.',
        tone: 'bad',
      },
    ]);
  });
});
