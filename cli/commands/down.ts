import type { Command } from 'commander';
import { UserError } from '../../sandbox/errors.js';
import { down } from '../../sandbox/sandbox/down.js';
import { findExistingPlan } from '../../sandbox/sandbox/resolve.js';
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
    const req = sandboxRequest(c, flags);
    const plan = await findExistingPlan(req);
    const run = { engine: await c.engine(), emit: c.emit, volumes: Boolean(flags.volumes) };
    if (plan) {
      await platform.remove(plan, run);
      if (flags.volumes) await forgetSecrets(plan.stateDir);
      return;
    }
    // Named with -p, and its state folder is gone: what is labelled with it goes all the same.
    const removed = await down(req.sandbox!, run);
    if (removed.containers + removed.networks + removed.volumes === 0) {
      throw new UserError(`no sandbox named "${req.sandbox}" here or on the engine`, {
        hint: 'See the sandboxes on the engine with `rehearsal ls`; the name is the first column.',
      });
    }
  });
}
