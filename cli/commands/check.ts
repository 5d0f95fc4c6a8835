import { resolve } from 'node:path';
import type { Command } from 'commander';
import { REPORT_FILES, writeReports } from '../../sandbox/checks/report/write.js';
import { PROFILES } from '../../sandbox/declaration/overlay-schema.js';
import type { ProfileName } from '../../sandbox/declaration/types.js';
import { UserError, formatProblem } from '../../sandbox/errors.js';
import { freePort } from '../../sandbox/net/free-port.js';
import { DEFAULTS } from '../../sandbox/defaults.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import { declarationFlags, parseSeconds, planRequest, type DeclarationFlags } from '../flags.js';
import { interruptSignal } from '../signals.js';
import { renderCheckSummary } from '../views/check-summary.js';

interface CheckFlags extends DeclarationFlags {
  profile?: string;
  report?: string;
  ci?: boolean;
  keep?: boolean;
  bootstrapTimeout?: string;
  chaos?: boolean;
}

export function registerCheck(program: Command, ctx: () => CommandContext): void {
  const cmd = program
    .command('check')
    .description(
      'check every Service Packaging Requirement on a fresh sandbox, with evidence; exit 1 when a MUST fails',
    );
  declarationFlags(cmd)
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
      String(DEFAULTS.bootstrapTimeoutSeconds),
    )
    .action((flags: CheckFlags) => runCheck(ctx(), flags));
}

/** Plans the check's own sandbox, runs every check on it, prints the verdicts, writes reports. */
async function runCheck(c: CommandContext, flags: CheckFlags): Promise<void> {
  if (flags.profile !== undefined && !(PROFILES as readonly string[]).includes(flags.profile))
    throw new UserError(`--profile "${flags.profile}" is not a requirement profile`, {
      hint: `Use one of: ${PROFILES.join(', ')}.`,
    });
  const budgetMs = parseSeconds(
    flags.bootstrapTimeout,
    '--bootstrap-timeout',
    DEFAULTS.bootstrapTimeoutSeconds,
  );
  const envPort = process.env.REHEARSAL_PROXY_PORT;
  const { plan, loaded } = await planFromDeclaration(
    planRequest(c, flags, {
      sandboxSuffix: '-check',
      ...(envPort ? {} : { proxyPort: await freePort() }),
    }),
  );
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
    for (const line of renderCheckSummary(report)) c.out(line);
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
}
