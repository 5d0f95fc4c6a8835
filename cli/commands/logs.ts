import type { Command } from 'commander';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import { sandboxLogs } from '../../sandbox/sandbox/logs.js';
import type { CommandContext } from '../context.js';
import { parseCount, sandboxFlags, sandboxRequest, type SandboxFlags } from '../flags.js';
import { interruptSignal } from '../signals.js';

export function registerLogs(program: Command, ctx: () => CommandContext): void {
  // `-f` is --file on every command; following is `--follow` only (README, CLI conventions).
  sandboxFlags(
    program
      .command('logs')
      .description('the output of every replica (of one task), prefixed with the replica')
      .argument('[task]', 'only this task or service'),
  )
    .option('--follow', 'keep following, including replicas started later')
    .option('-n, --tail <lines>', 'lines per replica to show from the end')
    .action(
      async (
        task: string | undefined,
        opts: SandboxFlags & { follow?: boolean; tail?: string },
      ) => {
        const c = ctx();
        const plan = await existingPlan(sandboxRequest(c, opts));
        const interrupt = interruptSignal();
        try {
          const lines = sandboxLogs(await c.engine(), plan.sandboxId, {
            follow: Boolean(opts.follow),
            signal: interrupt.signal,
            ...(task ? { service: task } : {}),
            ...(opts.tail !== undefined ? { tail: parseCount(opts.tail, '--tail') } : {}),
          });
          for await (const l of lines) c.out(`${l.container} | ${l.text}`);
        } finally {
          interrupt.dispose();
        }
      },
    );
}
