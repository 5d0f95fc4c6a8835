import type { Command } from 'commander';
import { ensureCa, readRoot } from '../../proxy/ca/index.js';
import {
  describeReport,
  installTrust,
  showTrust,
  uninstallTrust,
} from '../../proxy/trust/index.js';
import { UserError } from '../../sandbox/errors.js';
import type { CommandContext } from '../context.js';

export function registerTrust(program: Command, ctx: () => CommandContext): void {
  program
    .command('trust')
    .description(
      "trust Rehearsal's local CA (name-constrained to localhost) in the system store and browsers",
    )
    .option('--uninstall', 'remove the root from every store')
    .option('--show', "print the root's path, fingerprint and where it is trusted")
    .option('--dry-run', 'print what would be done, change nothing')
    .action(async (opts: { uninstall?: boolean; show?: boolean; dryRun?: boolean }) => {
      const c = ctx();
      const emit = (line: string) => process.stderr.write(`${line}\n`);
      if (opts.show) {
        const s = await showTrust(await ensureCa());
        c.out(
          [
            `root: ${s.rootPath}`,
            `subject: ${s.subject}`,
            `sha256 fingerprint: ${s.fingerprintSha256}`,
            `valid: ${s.notBefore.toISOString()} .. ${s.notAfter.toISOString()}`,
            ...s.stores.flatMap((r) => describeReport(r)),
          ].join('\n'),
        );
        return;
      }
      const options = { emit, dryRun: Boolean(opts.dryRun) };
      const reports = opts.uninstall
        ? await uninstallTrust(await readRoot(), options)
        : await installTrust(await ensureCa(), options);
      const failed = reports.filter((r) => r.status === 'failed');
      if (failed.length > 0) {
        throw new UserError(`could not change ${failed.map((r) => r.label).join(', ')}`, {
          hint: 'Run the commands printed above yourself (with sudo where shown).',
        });
      }
    });
}
