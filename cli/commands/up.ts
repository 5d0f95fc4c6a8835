import type { Command } from 'commander';
import { DEFAULTS } from '../../sandbox/defaults.js';
import type { CommandContext } from '../context.js';
import { declarationFlags, engineFlags, envFlag, replicasFlag } from '../flags.js';
import { runUp, type UpFlags } from '../run-up.js';

export function registerUp(program: Command, ctx: () => CommandContext): void {
  const cmd = program
    .command('up')
    .description(
      "start the sandbox: database, then every task's replicas; wait until all are healthy",
    );
  declarationFlags(cmd);
  replicasFlag(cmd, 'replicas per task (within the declared bounds)');
  envFlag(cmd)
    .option('-d, --detach', 'return once healthy instead of following the logs')
    .option('--down', 'when following, remove the sandbox on Ctrl-C')
    .option(
      '--health-timeout <duration>',
      'how long a replica may take to become healthy',
      String(DEFAULTS.healthTimeoutSeconds),
    );
  engineFlags(cmd, true).action(async (flags: UpFlags, command: Command) => {
    await runUp(ctx(), { ...flags, tui: command.optsWithGlobals<{ tui?: boolean }>().tui });
  });
}
