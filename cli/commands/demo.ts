import type { Command } from 'commander';
import { templatePath } from '../../sandbox/version.js';
import type { CommandContext } from '../context.js';
import { runUp } from './up.js';

export function registerDemo(program: Command, ctx: () => CommandContext): void {
  program
    .command('demo')
    .description('run the bundled reference service (3 replicas + PostgreSQL) in a sandbox')
    .option('-d, --detach', 'return once healthy instead of following the logs')
    .option('--down', 'when following, remove the sandbox on Ctrl-C')
    .option('--replicas <n>', 'replicas of the reference service (2..6)')
    .action(
      async (flags: { detach?: boolean; down?: boolean; replicas?: string }, cmd: Command) => {
        await runUp(ctx(), {
          ...flags,
          file: templatePath('reference-service', 'marketplace.json'),
          tui: cmd.optsWithGlobals<{ tui?: boolean }>().tui,
        });
      },
    );
}
