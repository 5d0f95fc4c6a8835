import type { Command } from 'commander';
import { listSandboxes } from '../../sandbox/sandbox/on-engine.js';
import type { CommandContext } from '../context.js';
import { renderSandboxes } from '../views/sandbox-list.js';

export function registerLs(program: Command, ctx: () => CommandContext): void {
  program
    .command('ls')
    .description('every sandbox on the engine, from any folder (by its containers’ labels)')
    .option('--json', 'print JSON on stdout')
    .option('-q, --quiet', 'only the names')
    .action(async (flags: { json?: boolean; quiet?: boolean }) => {
      const c = ctx();
      const list = await listSandboxes(await c.engine());
      if (flags.json) c.out(JSON.stringify(list, null, 2));
      else if (flags.quiet) {
        if (list.length > 0) c.out(list.map((s) => s.name).join('\n'));
      } else c.out(renderSandboxes(list));
    });
}
