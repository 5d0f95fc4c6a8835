import type { Command } from 'commander';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import {
  engineFlags,
  parseCount,
  sandboxFlags,
  sandboxRequest,
  type EngineFlags,
  type SandboxFlags,
} from '../flags.js';
import { interruptSignal } from '../signals.js';

export function registerScale(program: Command, ctx: () => CommandContext): void {
  const cmd = program
    .command('scale')
    .description('set the number of replicas of a task, within its declared bounds')
    .argument('<task>', 'the task name (see `rehearsal status`)')
    .argument('<count>', 'how many replicas');
  engineFlags(sandboxFlags(cmd)).action(
    async (task: string, count: string, flags: SandboxFlags & EngineFlags) => {
      const c = ctx();
      const n = parseCount(count, 'the replica count');
      const platform = await c.platform(flags);
      const plan = await existingPlan(sandboxRequest(c, flags));
      const interrupt = interruptSignal();
      try {
        const r = await platform.scale(plan, task, n, {
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
    },
  );
}
