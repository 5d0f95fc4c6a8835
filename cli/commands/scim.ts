import type { Command } from 'commander';
import { UserError } from '../../sandbox/errors.js';
import { existingPlan } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import { sandboxFlags, sandboxRequest, type SandboxFlags } from '../flags.js';

export function registerScim(program: Command, ctx: () => CommandContext): void {
  sandboxFlags(
    program
      .command('scim')
      .description(
        "run the SCIM 2.0 conformance suite against a task's endpoint, then provision the personas",
      )
      .argument('[task]', 'the task (default: the one with `scim:` in rehearsal.yaml)'),
  )
    .option(
      '--dialect <dialect>',
      'standard, or entra (capitalised ops, "False" strings, member removal by value)',
      'standard',
    )
    .option('--no-provision', 'only run the suite')
    .option('--json', 'the results with their evidence (every request and response) as JSON')
    .action(
      async (
        task: string | undefined,
        opts: SandboxFlags & {
          dialect: string;
          provision: boolean;
          json?: boolean;
        },
      ) => {
        const c = ctx();
        if (opts.dialect !== 'standard' && opts.dialect !== 'entra') {
          throw new UserError(`--dialect "${opts.dialect}" is not a SCIM dialect`, {
            hint: 'Use standard or entra.',
          });
        }
        const plan = await existingPlan(sandboxRequest(c, opts));
        // Loaded on demand: the SCIM client and its suite serve this command only.
        const { checkScim } = await import('../../sandbox/scim/check.js');
        const report = await checkScim(plan, {
          engine: await c.engine(),
          dialect: opts.dialect,
          provision: opts.provision,
          ...(task ? { task } : {}),
        });
        const failed = report.results.filter((r) => r.status === 'fail');
        if (opts.json) c.out(JSON.stringify(report, null, 2));
        else {
          const mark = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;
          c.out(
            [
              `SCIM ${report.dialect} suite against ${report.task} (${report.baseUrl})`,
              ...report.results.map(
                (r) => `  ${mark[r.status]} ${r.id}: ${r.title}${r.detail ? ` — ${r.detail}` : ''}`,
              ),
              ...(report.provisioned
                ? [
                    `Provisioned ${report.provisioned.users} personas and ${report.provisioned.groups} groups.`,
                  ]
                : []),
            ].join('\n'),
          );
        }
        if (failed.length > 0) {
          throw new UserError(
            `${failed.length} SCIM check(s) failed: ${failed.map((f) => f.id).join(', ')}`,
            {
              exitCode: 1,
              hint: 'Each failed check above says what the service answered; `--json` shows every request and response.',
            },
          );
        }
      },
    );
}
