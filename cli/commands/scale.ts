import type { Command } from 'commander';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import { scale } from '../../sandbox/sandbox/scale.js';
import { parseCount, type CommandContext } from '../context.js';
import { interruptSignal } from '../signals.js';

export function registerScale(program: Command, ctx: () => CommandContext): void {
  program
    .command('scale')
    .description('set the number of replicas of a task, within its declared bounds')
    .argument('<task>', 'the task name (see `rehearsal status`)')
    .argument('<count>', 'how many replicas')
    .option('-f, --file <path>', 'the declaration')
    .option('--sandbox <id>', 'the sandbox')
    .action(async (task: string, count: string, opts: { file?: string; sandbox?: string }) => {
      const c = ctx();
      const n = parseCount(count, 'the replica count');
      const plan = await existingPlan({
        cwd: c.cwd,
        imageMode: c.imageMode,
        ...(opts.file ? { file: opts.file } : {}),
        ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      });
      const interrupt = interruptSignal();
      try {
        const r = await scale(plan, task, n, {
          engine: await c.engine(),
          emit: c.emit,
          signal: interrupt.signal,
        });
        c.out(
          `${task}: ${n} replica(s)${r.added.length ? `; added ${r.added.join(', ')}` : ''}${r.removed.length ? `; removed ${r.removed.join(', ')}` : ''}`,
        );
      } finally {
        interrupt.dispose();
      }
    });
}
