import type { Report } from '../types.js';

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters, even escaped.

    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML for CI systems: one test case per requirement. A failed MUST is a failure; a failed
 * SHOULD and a warning pass with the reason in system-out; not applicable and not checked are
 * skipped, with why.
 */
export function toJunit(report: Report): string {
  const cases = report.results.map((r) => {
    const name = xml(`${r.severity} ${r.title}`);
    const time = (r.ms / 1000).toFixed(3);
    const out = xml(
      [r.did, ...r.evidence, r.why ? `why: ${r.why}` : ''].filter(Boolean).join('\n'),
    );
    let inner = '';
    if (r.verdict === 'fail' && r.severity === 'MUST')
      inner = `<failure message="${xml(r.why ?? 'failed')}" type="requirement">${xml(`${r.words}\n\nFix: ${r.fix}`)}</failure>`;
    else if (r.verdict === 'not-applicable' || r.verdict === 'not-checked')
      inner = `<skipped message="${xml(`${r.verdict}: ${r.why ?? ''}`)}"/>`;
    return `    <testcase classname="rehearsal.${xml(r.id)}" name="${name}" time="${time}">${inner}<system-out>${out}</system-out></testcase>`;
  });
  const failures = report.results.filter(
    (r) => r.verdict === 'fail' && r.severity === 'MUST',
  ).length;
  const skipped = report.results.filter(
    (r) => r.verdict === 'not-applicable' || r.verdict === 'not-checked',
  ).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rehearsal check" tests="${report.results.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(`${report.product} (${report.profile})`)}" tests="${report.results.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${report.startedAt}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
