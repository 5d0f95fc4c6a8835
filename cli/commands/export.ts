import type { Command } from 'commander';
import { formatProblem } from '../../sandbox/errors.js';
import type { ExportResult } from '../../sandbox/export/export.js';
import { DEFAULT_DECLARATION } from '../../sandbox/sandbox/resolve.js';
import { collect, parseCount, parseEnvFlags, type CommandContext } from '../context.js';

interface CommonFlags {
  file?: string;
  overlay?: string;
  replicas?: string;
  env?: string[];
  force?: boolean;
}

function declarationOptions(command: Command): Command {
  return command
    .option('-f, --file <path>', `the declaration (default: ./${DEFAULT_DECLARATION})`)
    .option('--overlay <path>', 'the rehearsal.yaml overlay')
    .option('--replicas <n>', 'replicas per task')
    .option('-e, --env <KEY=VALUE>', 'a value for a declared variable (repeatable)', collect)
    .option('--force', 'replace what is already at --output');
}

function request(c: CommandContext, opts: CommonFlags) {
  const env = parseEnvFlags(opts.env);
  return {
    cwd: c.cwd,
    imageMode: c.imageMode,
    ...(opts.file ? { file: opts.file } : {}),
    ...(opts.overlay ? { overlayFile: opts.overlay } : {}),
    ...(opts.replicas !== undefined ? { replicas: parseCount(opts.replicas, '--replicas') } : {}),
    ...(env ? { env } : {}),
    ...(opts.force ? { force: true } : {}),
  };
}

function report(result: ExportResult): void {
  for (const w of result.loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  for (const n of result.plan.notes) process.stderr.write(`note: ${n}\n`);
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
}

export function registerExport(program: Command, ctx: () => CommandContext): void {
  const exp = program
    .command('export')
    .description('write the service for a real platform: Kubernetes manifests or a compose file');

  declarationOptions(
    exp
      .command('kubernetes')
      .alias('k8s')
      .description('write Kubernetes manifests and a kustomization (no cluster needed)')
      .requiredOption('-o, --output <dir>', 'the folder to write (must be empty, or --force)')
      .option('--domain <domain>', 'Ingress hosts are <task>.<domain>', 'rehearsal.localhost')
      .option('--ingress-class <name>', 'the Ingress class (default: the cluster default)')
      .option('--external-database <host>', 'use this database host instead of a StatefulSet')
      .option('--database-storage <size>', 'size of the database volume claim', '1Gi')
      .option(
        '--max-replicas <n>',
        'autoscaler ceiling where instances_maximum is unlimited',
        '10',
      ),
  ).action(
    async (
      opts: CommonFlags & {
        output: string;
        domain: string;
        ingressClass?: string;
        externalDatabase?: string;
        databaseStorage: string;
        maxReplicas: string;
      },
    ) => {
      const c = ctx();
      const { exportKubernetes } = await import('../../sandbox/export/export.js');
      const result = await exportKubernetes({
        ...request(c, opts),
        output: opts.output,
        kubernetes: {
          domain: opts.domain,
          databaseStorage: opts.databaseStorage,
          unlimitedMaximum: parseCount(opts.maxReplicas, '--max-replicas'),
          ...(opts.ingressClass ? { ingressClass: opts.ingressClass } : {}),
          ...(opts.externalDatabase ? { externalDatabase: opts.externalDatabase } : {}),
        },
      });
      report(result);
      process.stderr.write(
        `Wrote ${result.written.length} files to ${opts.output}; apply with: kubectl apply -k ${opts.output}\n`,
      );
    },
  );

  declarationOptions(
    exp
      .command('compose')
      .description('write a stand-alone compose file with deploy keys (runs without Rehearsal)')
      .option(
        '-o, --output <file>',
        'write it here (and its secrets to .env beside it) instead of stdout',
      ),
  ).action(async (opts: CommonFlags & { output?: string }) => {
    const c = ctx();
    const { exportCompose } = await import('../../sandbox/export/export.js');
    const result = await exportCompose({
      ...request(c, opts),
      ...(opts.output ? { output: opts.output } : {}),
    });
    report(result);
    if (!opts.output) {
      c.out(result.yaml);
      return;
    }
    process.stderr.write(
      `Wrote ${result.written.join(' and ')}; run it with: docker compose -p ${result.plan.sandboxId} -f ${opts.output} up -d --wait\n`,
    );
  });
}
