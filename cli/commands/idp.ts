import type { Command } from 'commander';
import { UserError } from '../../sandbox/errors.js';
import {
  idpKeys,
  rotateKeys,
  ROTATION_STAGES,
  type RotationStage,
} from '../../sandbox/idp/rotate.js';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import { parseDurationFlag, sandboxFlags, sandboxRequest, type SandboxFlags } from '../flags.js';
import { interruptSignal } from '../signals.js';

type Where = SandboxFlags;

async function planOf(c: CommandContext, opts: Where) {
  return existingPlan(sandboxRequest(c, opts));
}

export function registerIdp(program: Command, ctx: () => CommandContext): void {
  const idp = program.command('idp').description("the sandbox's OpenID Connect provider");
  sandboxFlags(
    idp
      .command('keys')
      .description('the published signing keys and their states (current, next, previous)'),
  ).action(async (opts: Where) => {
    const c = ctx();
    const keys = await idpKeys(await planOf(c, opts), await c.engine());
    c.out(keys.map((k) => `${k.state.padEnd(8)} ${k.kid}`).join('\n'));
  });
  sandboxFlags(
    idp
      .command('rotate')
      .description('staged key rotation: publish the next key, sign with it, retire the old one'),
  )
    .option('--stage <stage>', `run one stage only (${ROTATION_STAGES.join(', ')})`)
    .option('--wait <duration>', 'pause between publishing and signing', '5s')
    .option(
      '--grace <duration>',
      'pause before retiring the old key (its tokens stop verifying)',
      '10m',
    )
    .action(async (opts: Where & { stage?: string; wait: string; grace: string }) => {
      const c = ctx();
      if (opts.stage !== undefined && !ROTATION_STAGES.includes(opts.stage as RotationStage)) {
        throw new UserError(`--stage "${opts.stage}" is not a rotation stage`, {
          hint: `Use one of ${ROTATION_STAGES.join(', ')}.`,
        });
      }
      const stages = opts.stage ? [opts.stage as RotationStage] : [...ROTATION_STAGES];
      const pausesMs = [
        parseDurationFlag(opts.wait, '--wait'),
        parseDurationFlag(opts.grace, '--grace'),
      ];
      const interrupt = interruptSignal();
      try {
        await rotateKeys(await planOf(c, opts), {
          engine: await c.engine(),
          stages,
          pausesMs,
          signal: interrupt.signal,
          onStage: (stage, done) => c.out(`${stage}: ${done}`),
        });
      } finally {
        interrupt.dispose();
      }
    });
}
