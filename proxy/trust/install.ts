/**
 * `rehearsal trust` and `rehearsal trust --uninstall`: add the local root to (or remove it from)
 * every store this host has, verify the result, and say per store what happened — with the
 * exact commands to run where Rehearsal could not act (not root, tool missing).
 */
import { allStores, missingTools } from './all-stores.js';
import { formatCommand, formatElevated, type Command } from './command.js';
import { systemTrustHost, type TrustHost } from './host.js';
import type { StoreReport, TrustStore, TrustSubject } from './store.js';

/** Options of {@link installTrust} and {@link uninstallTrust}. */
export interface TrustOptions {
  /** Receives one human-readable line per store (and per command to run). */
  emit?: (line: string) => void;
  /** Run nothing; report what would be run, per store, as `planned`. */
  dryRun?: boolean;
  host?: TrustHost;
}

/** Per store after `rehearsal trust`; `planned` only in a dry run. */
export type InstallStatus = 'installed' | 'already' | 'failed' | 'skipped' | 'planned';
/** Per store after `rehearsal trust --uninstall`; `absent`: nothing was there. */
export type UninstallStatus = 'removed' | 'absent' | 'failed' | 'skipped' | 'planned';

type Mode = 'install' | 'uninstall';
type Report = StoreReport<InstallStatus | UninstallStatus>;

/** How many same-name certificates one store gives up at most (NSS keeps several). */
const MAX_REMOVALS = 5;

/** Adds the root to every store; never asks for a password (prints the `sudo` commands instead). */
export async function installTrust(
  ca: TrustSubject,
  options: TrustOptions = {},
): Promise<StoreReport<InstallStatus>[]> {
  return (await forEachStore(ca, 'install', options)) as StoreReport<InstallStatus>[];
}

/** Removes the root from every store where it is. */
export async function uninstallTrust(
  ca: TrustSubject,
  options: TrustOptions = {},
): Promise<StoreReport<UninstallStatus>[]> {
  return (await forEachStore(ca, 'uninstall', options)) as StoreReport<UninstallStatus>[];
}

async function forEachStore(
  ca: TrustSubject,
  mode: Mode,
  options: TrustOptions,
): Promise<Report[]> {
  const host = options.host ?? systemTrustHost();
  const admin = await host.isAdmin();
  const reports: Report[] = [];
  for (const store of await allStores(host, ca)) {
    const report = await actOn(host, store, mode, admin, options.dryRun ?? false);
    reports.push(report);
    for (const line of describeReport(report)) options.emit?.(line);
  }
  return reports;
}

async function actOn(
  host: TrustHost,
  store: TrustStore,
  mode: Mode,
  admin: boolean,
  dryRun: boolean,
): Promise<Report> {
  const base = { store: store.id, label: store.label };
  const commands = mode === 'install' ? store.install : store.uninstall;
  const elevated = store.admin && !admin;
  const show = (cmds: Command[]) =>
    cmds.map((c) =>
      elevated ? formatElevated(c, host.platform) : formatCommand(c, host.platform),
    );
  const missing = await missingTools(host, store);
  if (missing.length > 0) {
    const hint = store.toolHint ? [store.toolHint] : [];
    const reason = `${missing.join(', ')} not found`;
    return { ...base, status: 'skipped', reason, commands: [...hint, ...show(commands)] };
  }
  if (dryRun) return { ...base, status: 'planned', commands: show(commands) };
  const before = await store.presence(host);
  if (mode === 'install' && before === 'trusted') return { ...base, status: 'already' };
  if (mode === 'uninstall' && before === 'absent') return { ...base, status: 'absent' };
  if (elevated) {
    const reason = host.platform === 'win32' ? 'needs an Administrator prompt' : 'needs root';
    return { ...base, status: 'skipped', reason, commands: show(commands) };
  }
  // An older Rehearsal root under our name (a CA made again) goes first: keytool refuses a
  // taken alias, and NSS would verify whichever certificate it finds first under the nickname.
  if (mode === 'uninstall' || before === 'partial') {
    const failure = await removeAll(host, store);
    if (failure !== undefined) {
      return { ...base, status: 'failed', reason: failure, commands: show(store.uninstall) };
    }
    if (mode === 'uninstall') return verifyRemoval(host, store, base, show);
  }
  const failure = await runAll(host, store.install);
  if (failure !== undefined) {
    return { ...base, status: 'failed', reason: failure, commands: show(store.install) };
  }
  return verifyInstall(host, store, base, show);
}

/** Runs the uninstall commands until the store shows no trace (NSS may hold several copies). */
async function removeAll(host: TrustHost, store: TrustStore): Promise<string | undefined> {
  for (let round = 0; round < MAX_REMOVALS; round++) {
    const failure = await runAll(host, store.uninstall);
    const after = await store.presence(host);
    // A repeated removal fails once the last copy is gone: that is success.
    if (after === 'absent') return undefined;
    if (failure !== undefined) return failure;
  }
  return `still present after ${MAX_REMOVALS} removals`;
}

async function runAll(host: TrustHost, commands: Command[]): Promise<string | undefined> {
  for (const cmd of commands) {
    const result = await host.run(cmd);
    if (result.exitCode !== 0) {
      const output = (result.stderr || result.stdout).trim().split('\n').at(-1) ?? '';
      return `\`${formatCommand(cmd, host.platform)}\` exited with ${result.exitCode}: ${output}`;
    }
  }
  return undefined;
}

async function verifyInstall(
  host: TrustHost,
  store: TrustStore,
  base: { store: string; label: string },
  show: (cmds: Command[]) => string[],
): Promise<Report> {
  if (store.verify !== undefined) {
    const result = await host.run(store.verify);
    const verifiedBy = formatCommand(store.verify, host.platform);
    if (result.exitCode === 0) return { ...base, status: 'installed', verifiedBy };
    const output = (result.stderr || result.stdout).trim().split('\n').at(-1) ?? '';
    return {
      ...base,
      status: 'failed',
      reason: `added, but \`${verifiedBy}\` failed: ${output}`,
      commands: show(store.install),
    };
  }
  if ((await store.presence(host)) === 'trusted') return { ...base, status: 'installed' };
  return {
    ...base,
    status: 'failed',
    reason: 'added, but the store does not list the root afterwards',
    commands: show(store.install),
  };
}

async function verifyRemoval(
  host: TrustHost,
  store: TrustStore,
  base: { store: string; label: string },
  show: (cmds: Command[]) => string[],
): Promise<Report> {
  const after = await store.presence(host);
  if (after === 'absent') return { ...base, status: 'removed' };
  return {
    ...base,
    status: 'failed',
    reason: `removed, but the store still shows it (${after})`,
    commands: show(store.uninstall),
  };
}

/** The lines `emit` receives for one store: its status, then any commands, indented. */
export function describeReport(report: StoreReport<string>): string[] {
  const reason = report.reason ? ` (${report.reason})` : '';
  const verified = report.verifiedBy ? `, verified with \`${report.verifiedBy}\`` : '';
  const head = `${report.label}: ${report.status}${reason}${verified}`;
  const verb = report.status === 'planned' ? 'would run' : 'run';
  return [head, ...(report.commands ?? []).map((c) => `  ${verb}: ${c}`)];
}
