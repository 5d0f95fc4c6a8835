import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem } from '../../sandbox/errors.js';
import { composeYaml } from '../../sandbox/plan/compose.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import {
  declarationFlags,
  envFlag,
  planRequest,
  replicasFlag,
  type DeclarationFlags,
} from '../flags.js';

export function registerPlan(program: Command, ctx: () => CommandContext): void {
  const cmd = program
    .command('plan')
    .description('write the compose model of the sandbox (no Docker needed)');
  envFlag(
    replicasFlag(
      declarationFlags(cmd).option(
        '-o, --output <path>',
        'write compose YAML here instead of stdout',
      ),
    ),
  ).action(async (opts: DeclarationFlags & { output?: string }) => {
    const c = ctx();
    const { plan, loaded } = await planFromDeclaration(planRequest(c, opts));
    for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
    for (const n of plan.notes) process.stderr.write(`note: ${n}\n`);
    for (const u of plan.unbound) {
      process.stderr.write(
        `warning: ${u.service}: ${u.key} is required and has no value (${u.description}); \`up\` needs one: --env ${u.key}=… or env:/bind: in rehearsal.yaml\n`,
      );
    }
    const yaml = composeYaml(plan);
    if (!opts.output) {
      c.out(yaml);
      return;
    }
    const target = resolve(c.cwd, opts.output);
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, yaml);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
    process.stderr.write(
      `Wrote ${target} (secrets go in a .env file beside it; \`rehearsal up\` writes one).\n`,
    );
  });
}
