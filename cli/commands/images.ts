import type { Command } from 'commander';
import { UserError } from '../../sandbox/errors.js';
import type { CommandContext } from '../context.js';
import { interruptSignal } from '../signals.js';

export function registerImages(program: Command, ctx: () => CommandContext): void {
  program
    .command('images')
    .description(
      'build the images Rehearsal provides; --offline builds them all from Debian packages, no registry needed',
    )
    .option(
      '--offline',
      'build the offline images (Debian base, Node.js, PostgreSQL, MariaDB, Redis, reference service)',
    )
    .option('--force', 'rebuild images that exist')
    .action(async (opts: { offline?: boolean; force?: boolean }) => {
      const c = ctx();
      if (!opts.offline) {
        throw new UserError('say which images to build', {
          hint: 'Run `rehearsal images --offline` (or `npm run images:offline`).',
        });
      }
      const interrupt = interruptSignal();
      try {
        const { buildOfflineImages } = await import('../../sandbox/images/offline.js');
        const tags = await buildOfflineImages({
          engine: await c.engine(),
          emit: c.emit,
          signal: interrupt.signal,
          force: Boolean(opts.force),
        });
        c.out(`Offline images ready: ${tags.join(', ')}\nUse them with REHEARSAL_IMAGES=offline.`);
      } finally {
        interrupt.dispose();
      }
    });
}
