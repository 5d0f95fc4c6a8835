import type { Command } from 'commander';
import { referenceRequest } from '../../sandbox/live/tour.js';
import { templatePath } from '../../sandbox/version.js';
import type { CommandContext } from '../context.js';
import { interruptSignal } from '../signals.js';
import { wantsTui } from '../ui/wants-tui.js';
import { runUp } from '../run-up.js';

export function registerDemo(program: Command, ctx: () => CommandContext): void {
  program
    .command('demo')
    .description('run the bundled reference service (3 replicas + PostgreSQL) in a sandbox')
    .option('-d, --detach', 'return once healthy instead of following the logs')
    .option('--down', 'when following, remove the sandbox on Ctrl-C')
    .option('--replicas <n>', 'replicas of the reference service (2..6)')
    .option(
      '--tour',
      'a guided tour for workshops: the reference service, then each naughty variant with the verdict that catches it (n next, b back, q quit)',
    )
    .action(
      async (
        flags: { detach?: boolean; down?: boolean; replicas?: string; tour?: boolean },
        cmd: Command,
      ) => {
        const c = ctx();
        const tui = cmd.optsWithGlobals<{ tui?: boolean }>().tui;
        if (flags.tour) return tour(c, wantsTui(tui));
        await runUp(c, {
          ...flags,
          file: templatePath('reference-service', 'marketplace.json'),
          tui,
        });
      },
    );
}

async function tour(c: CommandContext, interactive: boolean): Promise<void> {
  const request = referenceRequest(c.cwd, c.imageMode);
  const engine = await c.engine();
  if (interactive) {
    // Loaded on demand: React and Ink only for the terminal view.
    const { runTour } = await import('../ui/tour/run.js');
    process.exitCode = await runTour(request, engine);
    process.stderr.write('Tour over; every sandbox it started is removed.\n');
    return;
  }
  const { plainTour } = await import('../views/tour-plain.js');
  const interrupt = interruptSignal();
  try {
    await plainTour(request, { engine, emit: c.emit, out: c.out, signal: interrupt.signal });
  } finally {
    interrupt.dispose();
  }
}
