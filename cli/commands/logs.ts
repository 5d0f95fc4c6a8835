import type { Command } from 'commander';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import { sandboxLogs } from '../../sandbox/sandbox/logs.js';
import type { CommandContext } from '../context.js';
import { parseCount, sandboxRequest } from '../flags.js';
import { interruptSignal } from '../signals.js';

export function registerLogs(program: Command, ctx: () => CommandContext): void {
  program
    .command('logs')
    .description('the output of every replica (of one task), prefixed with the replica')
    .argument('[task]', 'only this task or service')
    .option('-f, --follow', 'keep following, including replicas started later')
    .option('-n, --tail <lines>', 'lines per replica to show from the end')
    .option('--file <path>', 'the declaration')
    .option('--sandbox <id>', 'the sandbox')
    .action(
      async (
        task: string | undefined,
        opts: { follow?: boolean; tail?: string; file?: string; sandbox?: string },
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
