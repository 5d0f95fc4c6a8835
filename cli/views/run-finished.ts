import { join } from 'node:path';
import { REPORT_FILES } from '../../sandbox/checks/report/write.js';
import type { RunFinished } from '../../sandbox/events.js';
import { renderChaosSummary } from './chaos-summary.js';
import { renderCheckSummary } from './check-summary.js';

/**
 * The end of a `chaos` or `check` run, from its `run.finished` event: the report as JSON, or the
 * summary as text ending with what failed. A failed MUST is a result printed here on stdout,
 * with exit code 1; it is not an error banner.
 */
export function renderRunFinished(e: RunFinished, json: boolean): string {
  if (json) return JSON.stringify(e.report, null, 2);
  return (e.run === 'chaos' ? chaosText(e) : checkText(e)).join('\n');
}

/** One line for the dashboard's finished lines: which run ended and how. */
export function runFinishedLine(e: RunFinished): string {
  const what = e.run === 'chaos' ? `chaos run (seed ${e.report.seed})` : 'check run';
  return e.outcome.failed.length === 0
    ? `The ${what} finished: ${e.outcome.judged} verdict(s), no MUST failed.`
    : `The ${what} finished: ${failedText(e)}.`;
}

function failedText(e: RunFinished): string {
  const { failed, judged } = e.outcome;
  const count =
    e.run === 'chaos'
      ? `${failed.length} of ${judged} verdicts`
      : `${failed.length} MUST requirement(s)`;
  return `${count} failed: ${failed.join(', ')}`;
}

function chaosText(e: Extract<RunFinished, { run: 'chaos' }>): string[] {
  const r = e.report;
  return [
    renderChaosSummary(r),
    ...(e.outcome.failed.length > 0
      ? [
          `\n${failedText(e)}. Every action and observation is in ${r.journal}; --seed ${r.seed} repeats the run.`,
        ]
      : []),
  ];
}

function checkText(e: Extract<RunFinished, { run: 'check' }>): string[] {
  return [
    ...renderCheckSummary(e.report),
    ...(e.reports ? [`Reports: ${e.reports.files.join(', ')}`] : []),
    ...(e.kept
      ? [
          `The check sandbox ${e.report.sandbox} is left running; \`rehearsal down --sandbox ${e.report.sandbox} --volumes\` removes it.`,
        ]
      : []),
    ...(e.outcome.failed.length > 0
      ? [
          `\n${failedText(e)}. ${
            e.reports
              ? `Read ${join(e.reports.dir, REPORT_FILES.markdown)}: each failure says what Rehearsal saw and how to fix it.`
              : 'Run again with --report DIR for the evidence and how to fix each failure.'
          }`,
        ]
      : []),
  ];
}
