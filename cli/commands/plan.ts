import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem } from '../../sandbox/errors.js';
import { composeYaml } from '../../sandbox/plan/compose.js';
import {
  isComposeFilePath,
  writePlanFile,
  writePlanFolder,
} from '../../sandbox/sandbox/plan-output.js';
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
        'write compose.yaml, .env and the files it mounts into this folder (or only the YAML to a *.yaml file) instead of stdout',
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
    const warn = (e: { type: string; message?: string }) => {
      if (e.type === 'warning') process.stderr.write(`warning: ${e.message}\n`);
    };
    const out = isComposeFilePath(target)
      ? await writePlanFile(plan, target)
      : await writePlanFolder(plan, target, warn);
    process.stderr.write(`Wrote ${out.written.join(', ')}\n`);
    if (out.missing) {
      process.stderr.write(
        `note: a compose run needs beside it a .env with ${out.missing.env.join(', ') || 'nothing'}` +
          (out.missing.files.length > 0 ? ` and the files ${out.missing.files.join(', ')}` : '') +
          '; `rehearsal plan -o DIR` writes them all\n',
      );
    }
    process.stderr.write(
      `Run it without Rehearsal: docker compose -p ${plan.sandboxId} -f ${isComposeFilePath(target) ? target : `${target}/compose.yaml`} up -d --wait\n`,
    );
  });
}
