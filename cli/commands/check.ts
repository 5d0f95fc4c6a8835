import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VERDICT_LABEL, profileLines } from '../../sandbox/checks/report/markdown.js';
import { REPORT_FILES, writeReports } from '../../sandbox/checks/report/write.js';
import { PROFILES } from '../../sandbox/declaration/overlay-schema.js';
import type { ProfileName } from '../../sandbox/declaration/types.js';
import { UserError, formatProblem } from '../../sandbox/errors.js';
import { freePort } from '../../sandbox/net/free-port.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import { parseCount, type CommandContext } from '../context.js';
import { interruptSignal } from '../signals.js';

interface CheckFlags {
  file?: string;
  overlay?: string;
  profile?: string;
  report?: string;
  ci?: boolean;
  keep?: boolean;
  bootstrapTimeout?: string;
  chaos?: boolean;
}

export function registerCheck(program: Command, ctx: () => CommandContext): void {
  program
    .command('check')
    .description(
      'check every Service Packaging Requirement on a fresh sandbox, with evidence; exit 1 when a MUST fails',
    )
    .option('-f, --file <path>', 'the declaration (default: ./marketplace.json)')
    .option('--overlay <path>', 'the rehearsal.yaml overlay')
    .option(
      '--profile <name>',
      `requirement profile: ${PROFILES.join(' or ')} (default: rehearsal.yaml's, else hspc-2016)`,
    )
    .option('--report <dir>', `write ${Object.values(REPORT_FILES).join(', ')} into this folder`)
    .option('--ci', 'print the verdicts only, no progress (for CI logs)')
    .option('--keep', 'leave the check sandbox running afterwards')
    .option(
      '--no-chaos',
      'skip the chaos phase (Incorruptible and Dynamically scalable are then not checked)',
    )
    .option(
      '--bootstrap-timeout <seconds>',
      'how long the service may take to become healthy from an empty database',
      '180',
    )
    .action(async (flags: CheckFlags) => {
      const c = ctx();
      if (flags.profile !== undefined && !(PROFILES as readonly string[]).includes(flags.profile))
        throw new UserError(`--profile "${flags.profile}" is not a requirement profile`, {
          hint: `Use one of: ${PROFILES.join(', ')}.`,
        });
      const budgetMs = parseCount(flags.bootstrapTimeout ?? '180', '--bootstrap-timeout') * 1000;
      const envPort = process.env.REHEARSAL_PROXY_PORT;
      const { plan, loaded } = await planFromDeclaration({
        cwd: c.cwd,
        imageMode: c.imageMode,
        sandboxSuffix: '-check',
        ...(flags.file ? { file: flags.file } : {}),
        ...(flags.overlay ? { overlayFile: flags.overlay } : {}),
        ...(envPort ? {} : { proxyPort: await freePort() }),
      });
      if (flags.profile) plan.profile = flags.profile as ProfileName;
      if (!flags.ci)
        for (const w of loaded.warnings) c.emit({ type: 'warning', message: formatProblem(w) });
      // --ci: no progress at all; the verdict table below is the whole output.
      const emit: typeof c.emit = flags.ci ? () => undefined : c.emit;
      // Loaded on demand: the check core (fact gathering, judging) is most of this command's code.
      const { runChecks } = await import('../../sandbox/checks/run.js');
      const interrupt = interruptSignal();
      try {
        const report = await runChecks(plan, {
          engine: await c.engine(),
          emit,
          loaded,
          signal: interrupt.signal,
          keep: Boolean(flags.keep),
          bootstrapBudgetMs: budgetMs,
          chaos: flags.chaos !== false,
          ...(flags.report ? { journalDir: resolve(c.cwd, flags.report) } : {}),
        });
        const s = report.summary;
        for (const r of report.results)
          c.out(
            `  ${VERDICT_LABEL[r.verdict].padEnd(14)} ${r.severity.padEnd(6)} ${r.title}${r.why ? ` — ${r.why}` : ''}`,
          );
        c.out(
          `\n${report.product} under ${report.profile}: ${s.pass} pass, ${s.fail} fail (${s.mustFailed} MUST), ${s.warn} warn, ${s['not-applicable']} not applicable, ${s['not-checked']} not checked, in ${(report.durationMs / 1000).toFixed(0)} s.`,
        );
        for (const l of profileLines(report)) c.out(l);
        if (flags.report) {
          const files = await writeReports(report, resolve(c.cwd, flags.report));
          c.out(`Reports: ${files.join(', ')}`);
        }
        if (flags.keep)
          c.out(
            `The check sandbox ${plan.sandboxId} is left running; \`rehearsal down --sandbox ${plan.sandboxId} --volumes\` removes it.`,
          );
        if (s.mustFailed > 0)
          throw new UserError(`${s.mustFailed} MUST requirement(s) failed`, {
            exitCode: 1,
            hint: flags.report
              ? `Read ${resolve(c.cwd, flags.report, REPORT_FILES.markdown)}: each failure says what Rehearsal saw and how to fix it.`
              : 'Run again with --report DIR for the evidence and how to fix each failure.',
          });
      } finally {
        interrupt.dispose();
      }
    });
}
