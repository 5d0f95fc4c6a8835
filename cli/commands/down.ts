import type { Command } from 'commander';
import { down } from '../../sandbox/sandbox/down.js';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import { forgetSecrets } from '../../sandbox/sandbox/state.js';
import type { CommandContext } from '../context.js';

export function registerDown(program: Command, ctx: () => CommandContext): void {
  program
    .command('down')
    .description("remove the sandbox's containers and network (its volumes too with --volumes)")
    .option('-v, --volumes', "also remove volumes: the database's data is lost")
    .option('-f, --file <path>', 'the declaration')
    .option('--sandbox <id>', 'the sandbox')
    .action(async (opts: { volumes?: boolean; file?: string; sandbox?: string }) => {
      const c = ctx();
      const plan = await existingPlan({
        cwd: c.cwd,
        imageMode: c.imageMode,
        ...(opts.file ? { file: opts.file } : {}),
        ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      });
      await down(plan.sandboxId, {
        engine: await c.engine(),
        emit: c.emit,
        volumes: Boolean(opts.volumes),
      });
      if (opts.volumes) await forgetSecrets(plan.stateDir);
    });
}
