import type { Command } from 'commander';
import { formatProblem } from '../../sandbox/errors.js';
import type { ExportResult } from '../../sandbox/export/export.js';
import type { CommandContext } from '../context.js';
import {
  declarationFlags,
  envFlag,
  parseCount,
  planRequest,
  replicasFlag,
  type DeclarationFlags,
} from '../flags.js';

interface CommonFlags extends DeclarationFlags {
  force?: boolean;
}

function declarationOptions(command: Command): Command {
  return envFlag(replicasFlag(declarationFlags(command))).option(
    '--force',
    'replace what is already at --output',
  );
}

function request(c: CommandContext, opts: CommonFlags) {
  return { ...planRequest(c, opts), ...(opts.force ? { force: true } : {}) };
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
