import type { Command } from 'commander';
import { down } from '../../sandbox/sandbox/down.js';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import { forgetSecrets } from '../../sandbox/sandbox/state.js';
import type { CommandContext } from '../context.js';
import { parseEngine } from './up.js';

interface DownFlags {
  volumes?: boolean;
  file?: string;
  sandbox?: string;
  engine?: string;
}

export function registerDown(program: Command, ctx: () => CommandContext): void {
  program
    .command('down')
    .description("remove the sandbox's containers and network (its volumes too with --volumes)")
    .option('-v, --volumes', "also remove volumes: the database's data is lost")
    .option('-f, --file <path>', 'the declaration')
    .option('--sandbox <id>', 'the sandbox')
    .option('--engine <engine>', 'docker, or swarm: remove the Docker stack', 'docker')
    .action(async (opts: DownFlags) => {
      const c = ctx();
      const plan = await existingPlan({
        cwd: c.cwd,
        imageMode: c.imageMode,
        ...(opts.file ? { file: opts.file } : {}),
        ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      });
      if (parseEngine(opts.engine) === 'swarm') {
        const { removeSwarm } = await import('../../sandbox/swarm/deploy.js');
        await removeSwarm(plan, {
          engine: await c.engine(),
          emit: c.emit,
          volumes: Boolean(opts.volumes),
        });
        if (opts.volumes) await forgetSecrets(plan.stateDir);
        return;
      }
      await down(plan.sandboxId, {
        engine: await c.engine(),
        emit: c.emit,
        volumes: Boolean(opts.volumes),
      });
      if (opts.volumes) await forgetSecrets(plan.stateDir);
    });
}
