import type { Outcome } from '../../verdict.js';
import type { CheckResult, ProfileJudgement, Report } from '../types.js';

export const VERDICT_LABEL: Record<Outcome, string> = {
  pass: 'pass',
  fail: 'FAIL',
  warn: 'warn',
  'not-applicable': 'not applicable',
  'not-checked': 'not checked',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown summary: the verdict table, then each requirement that did not pass, with how to fix it. */
export function toMarkdown(report: Report): string {
  const s = report.summary;
  const lines = [
    `# Rehearsal check: ${report.product}`,
    '',
    `Profile \`${report.profile}\` · ${report.results.length} requirements · ${s.pass} pass, ${s.fail} fail (${s.mustFailed} MUST), ${s.warn} warn, ${s['not-applicable']} not applicable, ${s['not-checked']} not checked · ${(report.durationMs / 1000).toFixed(0)} s · Rehearsal ${report.tool.version}`,
    '',
    `Declaration: \`${report.declaration.file}\` (sha256 \`${report.declaration.sha256.slice(0, 12)}\`)`,
    '',
    '| Requirement | Severity | Verdict | Why |',
    '| --- | --- | --- | --- |',
    ...report.results.map(
      (r) =>
        `| ${cell(r.title)} | ${r.severity} | ${VERDICT_LABEL[r.verdict]} | ${cell(r.why ?? '')} |`,
    ),
    '',
  ];
  if (report.profiles?.length)
    lines.push('## Under the other profiles', '', ...profileLines(report).map((l) => `- ${l}`), '');
  const notPassed = report.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn');
  if (notPassed.length > 0) lines.push('## To fix', '', ...notPassed.flatMap(detail));
  return lines.join('\n');
}

function detail(r: CheckResult): string[] {
  return [
    `### ${r.title} (${r.severity}): ${VERDICT_LABEL[r.verdict]}`,
    '',
    `> ${r.words}`,
    '',
    `**Why it matters.** ${r.matters}`,
    '',
    `**What Rehearsal did.** ${r.did}`,
    '',
    '**Evidence.**',
    '',
    '```text',
    ...r.evidence,
    '```',
    '',
    `**How to fix.** ${r.fix}`,
    '',
  ];
}

/** One line per other profile: its counts, and each requirement whose verdict differs there. */
export function profileLines(report: Pick<Report, 'profile' | 'profiles'>): string[] {
  return (report.profiles ?? []).map((p: ProfileJudgement) => {
    const s = p.summary;
    const head = `Under ${p.profile}: ${s.pass} pass, ${s.fail} fail (${s.mustFailed} MUST), ${s.warn} warn, ${s['not-checked']} not checked`;
    if (p.differences.length === 0)
      return `${head}; every verdict is the same as under ${report.profile}.`;
    return `${head}; differs on ${p.differences
      .map(
        (d) =>
          `${d.title} (${VERDICT_LABEL[d.verdict]}${d.why ? `: ${d.why}` : ''}${d.note ? `; ${d.note}` : ''})`,
      )
      .join('; ')}.`;
  });
}
