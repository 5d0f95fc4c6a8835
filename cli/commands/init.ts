import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError, ValidationError, formatProblem } from '../../sandbox/errors.js';
import {
  answersFromFlags,
  parseVariableFlag,
  type GivenAnswers,
} from '../../sandbox/init/answers.js';
import { checkProposal } from '../../sandbox/init/check.js';
import { inspectForInit } from '../../sandbox/init/inspect.js';
import { propose } from '../../sandbox/init/propose.js';
import { QUESTIONS } from '../../sandbox/init/questions.js';
import { existingFiles, writeProposal } from '../../sandbox/init/write.js';
import type { CommandContext } from '../context.js';
import { collect } from '../flags.js';
import { format } from '../plain-reporter.js';
import { wantsTui } from '../ui/wants-tui.js';

interface InitFlags {
  image?: string;
  name?: string;
  sandbox?: string;
  memory?: string;
  instancesMin?: string;
  instancesMax?: string;
  port?: string;
  healthPath?: string;
  database?: string;
  var?: string[];
  dir?: string;
  yes?: boolean;
  force?: boolean;
}

export function registerInit(program: Command, ctx: () => CommandContext): void {
  program
    .command('init')
    .description(
      'propose marketplace.json and rehearsal.yaml for an image: inspect it, ask, validate, preview the compose model, write',
    )
    .option('--image <ref>', 'the image to describe (pulled if the engine lacks it)')
    .option('--name <name>', "the product's name (default: the image's title)")
    .option('--sandbox <id>', 'the sandbox name (default: from the image name)')
    .option('--memory <MiB>', 'memory limit of one replica (default: 512)')
    .option('--instances-min <n>', 'fewest replicas (default: 2)')
    .option('--instances-max <n>', 'most replicas (default: 6)')
    .option('--port <port>', 'the port that serves HTTP (default: the first exposed)')
    .option('--health-path <path>', "health path (default: from the image's HEALTHCHECK, else /)")
    .option('--database <kind>', 'postgres, mariadb, redis or none (default: guessed from ENV)')
    .option('--var <KEY[=DEFAULT]>', 'declare another variable (repeatable)', collect)
    .option('--dir <path>', 'where to write the files (default: here)')
    .option('-y, --yes', 'accept the proposed answers; never ask')
    .option('--force', 'replace marketplace.json and rehearsal.yaml if they exist')
    .action(async (flags: InitFlags, cmd: Command) => {
      const c = ctx();
      const tui = cmd.optsWithGlobals<{ tui?: boolean }>().tui;
      await runInit(c, flags, !flags.yes && wantsTui(tui));
    });
}

function given(flags: InitFlags): GivenAnswers {
  const out: GivenAnswers = {};
  for (const key of [
    'name',
    'sandbox',
    'memory',
    'instancesMin',
    'instancesMax',
    'port',
    'healthPath',
    'database',
  ] as const) {
    const v = flags[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

async function runInit(c: CommandContext, flags: InitFlags, interactive: boolean): Promise<void> {
  const dir = resolve(c.cwd, flags.dir ?? '.');
  const extraVariables = (flags.var ?? []).map(parseVariableFlag);
  if (interactive) {
    const [{ runInitWizard }, { initialWizard }] = await Promise.all([
      import('../ui/init/run.js'),
      import('../ui/init/wizard-state.js'),
    ]);
    const result = await runInitWizard({
      initial: initialWizard(flags.image, given(flags), extraVariables),
      dir,
      services: {
        inspect: async (image, onProgress) =>
          inspectForInit(await c.engine(), image, (e) => {
            const line = format(e, false);
            if (line) onProgress(line.trim());
          }),
        check: (proposal) => checkProposal(proposal, { targetDir: dir, imageMode: c.imageMode }),
        existing: (proposal) => existingFiles(dir, proposal),
        write: (proposal, force) =>
          writeProposal(dir, proposal, { force: force || Boolean(flags.force) }),
      },
    });
    c.out(nextSteps(result.written, dir, c.cwd));
    return;
  }
  if (!flags.image) {
    throw new UserError(
      'init needs the image to describe, and there is no terminal to ask for it',
      {
        hint: 'Pass `--image <ref>`, e.g. --image vendor/service:1.0 (with --yes to accept the proposed answers).',
      },
    );
  }
  const answered = given(flags);
  const open = QUESTIONS.filter((q) => answered[q.key] === undefined);
  if (!flags.yes && open.length > 0) {
    // Said before the image is pulled or inspected: a missing flag must not cost a download.
    throw new UserError(
      `init cannot ask without a terminal; missing: ${open.map((q) => q.flag).join(', ')}`,
      { hint: 'Pass each `--flag`, or `--yes` to accept what the image suggests for the rest.' },
    );
  }
  const facts = await inspectForInit(await c.engine(), flags.image, c.emit);
  const answers = answersFromFlags(facts, given(flags), {
    yes: Boolean(flags.yes),
    extraVariables,
  });
  const proposal = propose(facts, answers);
  const check = await checkProposal(proposal, { targetDir: dir, imageMode: c.imageMode });
  if (!check.compose) {
    // The answers passed their own checks; the reader refusing the result is worth showing whole.
    if (check.problems.some((p) => p.severity === 'error'))
      throw new ValidationError(check.problems);
    throw new UserError(`the proposal ${check.notes.join('; ')}`);
  }
  for (const p of check.problems) process.stderr.write(`warning: ${formatProblem(p)}\n`);
  for (const n of check.notes) process.stderr.write(`note: ${n}\n`);
  const written = await writeProposal(dir, proposal, { force: Boolean(flags.force) });
  c.out(nextSteps(written, dir, c.cwd));
}

function nextSteps(written: string[], dir: string, cwd: string): string {
  if (written.length === 0) return 'Nothing written.';
  const where = dir === cwd ? '' : ` (in ${dir})`;
  return `Wrote ${written.join(', ')}.\nNext${where}: \`rehearsal validate\`, then \`rehearsal up\`.`;
}
