import { VERDICT_LABEL, profileLines } from '../../sandbox/checks/report/markdown.js';
import type { Report } from '../../sandbox/checks/types.js';

/** The end of `rehearsal check`: one line per requirement, the counts, the profiles' judgement. */
export function renderCheckSummary(report: Report): string[] {
  const s = report.summary;
  return [
    ...report.results.map(
      (r) =>
        `  ${VERDICT_LABEL[r.verdict].padEnd(14)} ${r.severity.padEnd(6)} ${r.title}${r.why ? ` — ${r.why}` : ''}`,
    ),
    `\n${report.product} under ${report.profile}: ${s.pass} pass, ${s.fail} fail (${s.mustFailed} MUST), ${s.warn} warn, ${s['not-applicable']} not applicable, ${s['not-checked']} not checked, in ${(report.durationMs / 1000).toFixed(0)} s.`,
    ...profileLines(report),
  ];
}
