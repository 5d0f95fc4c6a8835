import type { Command } from 'commander';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import { sandboxFlags, sandboxRequest, type SandboxFlags } from '../flags.js';
import { renderStatus } from '../views/status-table.js';

export function registerStatus(program: Command, ctx: () => CommandContext): void {
  const cmd = program
    .command('status')
    .alias('ps')
    .description('every replica of the sandbox with its state and health');
  sandboxFlags(cmd)
    .option('--json', 'print JSON on stdout')
    .action(async (flags: SandboxFlags & { json?: boolean }) => {
      const c = ctx();
      const plan = await existingPlan(sandboxRequest(c, flags));
      const s = await (await c.platform()).status(plan, await c.engine());
      c.out(flags.json ? JSON.stringify(s, null, 2) : renderStatus(s));
    });
}
