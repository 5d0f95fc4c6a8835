import type { Command } from 'commander';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import { forgetSecrets } from '../../sandbox/sandbox/state.js';
import type { CommandContext } from '../context.js';
import {
  engineFlags,
  sandboxFlags,
  sandboxRequest,
  type EngineFlags,
  type SandboxFlags,
} from '../flags.js';

interface DownFlags extends SandboxFlags, EngineFlags {
  volumes?: boolean;
}

export function registerDown(program: Command, ctx: () => CommandContext): void {
  const cmd = program
    .command('down')
    .description("remove the sandbox's containers and network (its volumes too with --volumes)")
    .option('-v, --volumes', "also remove volumes: the database's data is lost");
  engineFlags(sandboxFlags(cmd)).action(async (flags: DownFlags) => {
    const c = ctx();
    const platform = await c.platform(flags);
    const plan = await existingPlan(sandboxRequest(c, flags));
    await platform.remove(plan, {
      engine: await c.engine(),
      emit: c.emit,
      volumes: Boolean(flags.volumes),
    });
    if (flags.volumes) await forgetSecrets(plan.stateDir);
  });
}
