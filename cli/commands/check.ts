import { resolve } from 'node:path';
import type { Command } from 'commander';
import { REPORT_FILES } from '../../sandbox/checks/report/write.js';
import { PROFILES } from '../../sandbox/declaration/overlay-schema.js';
import type { ProfileName } from '../../sandbox/declaration/types.js';
import { UserError, formatProblem } from '../../sandbox/errors.js';
import { freePort } from '../../sandbox/net/free-port.js';
import { DEFAULTS } from '../../sandbox/defaults.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import { declarationFlags, parseSeconds, planRequest, type DeclarationFlags } from '../flags.js';
import { interruptSignal } from '../signals.js';
import { runOutcome } from '../../sandbox/verdict.js';
import { checkVerdict } from '../../sandbox/checks/types.js';
import { exitWith } from '../exit.js';

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
      '--bootstrap-timeout <duration>',
      'how long the service may take to become healthy from an empty database (90s, 2m; a bare number is seconds)',
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
  // --ci: no progress at all; the verdict table at the end is the whole output.
  const emit = c.runView({ progress: !flags.ci });
  for (const w of loaded.warnings) emit({ type: 'warning', message: formatProblem(w) });
  // Loaded on demand: the check core (fact gathering, judging) is most of this command's code.
  const { runChecks } = await import('../../sandbox/checks/run.js');
  const interrupt = interruptSignal();
  const reportDir = flags.report ? resolve(c.cwd, flags.report) : undefined;
  try {
    const result = await runChecks(plan, {
      engine: await c.engine(),
      emit,
      loaded,
      signal: interrupt.signal,
      keep: Boolean(flags.keep),
      bootstrapBudgetMs: budgetMs,
      chaos: flags.chaos !== false,
      ...(reportDir ? { journalDir: reportDir, reportDir } : {}),
    });
    exitWith(runOutcome(result.results.map(checkVerdict)));
  } finally {
    interrupt.dispose();
  }
}
