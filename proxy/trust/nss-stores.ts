/**
 * NSS certificate databases: Firefox keeps its own per profile on every platform, and Chromium
 * browsers use `~/.pki/nssdb` on Linux. Managed with NSS's `certutil` (libnss3-tools), which
 * exists on Linux and, from Homebrew's `nss`, on macOS; Windows' own `certutil.exe` is a
 * different program, so NSS databases are not touched there.
 */
import { posix } from 'node:path';
import { command } from './command.js';
import type { TrustHost } from './host.js';
import { bundleContains, ROOT_NICKNAME, type TrustStore, type TrustSubject } from './store.js';

/** Directories that hold Firefox profiles, per platform, relative to the home directory. */
const FIREFOX_PROFILE_ROOTS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: [
    '.mozilla/firefox',
    'snap/firefox/common/.mozilla/firefox',
    '.var/app/org.mozilla.firefox/.mozilla/firefox',
  ],
  darwin: ['Library/Application Support/Firefox/Profiles'],
};

/** Chromium's shared NSS database (Linux only; macOS and Windows Chrome use the system store). */
const CHROMIUM_DBS = ['.pki/nssdb', 'snap/chromium/current/.pki/nssdb'];

async function toolHint(host: TrustHost): Promise<string> {
  if (host.platform === 'darwin') return 'brew install nss';
  if (await host.which('apt-get')) return 'sudo apt-get install libnss3-tools';
  if (await host.which('dnf')) return 'sudo dnf install nss-tools';
  if (await host.which('pacman')) return 'sudo pacman -S nss';
  if (await host.which('zypper')) return 'sudo zypper install mozilla-nss-tools';
  return "install NSS's certutil (libnss3-tools / nss-tools)";
}

function nssStore(
  id: string,
  label: string,
  dir: string,
  subject: TrustSubject,
  hint: string,
): TrustStore {
  const db = `sql:${dir}`;
  const list = command('certutil', '-L', '-d', db, '-n', ROOT_NICKNAME, '-a');
  return {
    id,
    label,
    admin: false,
    tools: ['certutil'],
    toolHint: hint,
    // Trust flags C,,: a trusted CA for TLS servers only (not e-mail, not code signing).
    install: [
      command(
        'certutil',
        '-A',
        '-d',
        db,
        '-t',
        'C,,',
        '-n',
        ROOT_NICKNAME,
        '-i',
        subject.paths.root,
      ),
    ],
    uninstall: [command('certutil', '-D', '-d', db, '-n', ROOT_NICKNAME)],
    async presence(host) {
      const result = await host.run(list);
      if (result.exitCode !== 0) return 'absent';
      // Several certificates can share the nickname (an earlier Rehearsal root): ours must be one.
      return bundleContains(result.stdout, subject.rootPem) ? 'trusted' : 'partial';
    },
    verify: command('certutil', '-V', '-d', db, '-n', ROOT_NICKNAME, '-u', 'L'),
  };
}

/**
 * Every NSS database of this user that has the current (`cert9.db`, SQLite) format: Chromium's
 * and each Firefox profile's. Legacy `cert8.db` databases are left alone.
 */
export async function nssStores(host: TrustHost, subject: TrustSubject): Promise<TrustStore[]> {
  if (host.platform === 'win32') return [];
  const hint = await toolHint(host);
  const stores: TrustStore[] = [];
  for (const rel of host.platform === 'linux' ? CHROMIUM_DBS : []) {
    const dir = posix.join(host.home, rel);
    if (await host.exists(posix.join(dir, 'cert9.db'))) {
      stores.push(nssStore(`nss:${rel}`, `Chromium/Chrome (~/${rel})`, dir, subject, hint));
    }
  }
  for (const rel of FIREFOX_PROFILE_ROOTS[host.platform] ?? []) {
    const parent = posix.join(host.home, rel);
    for (const profile of (await host.list(parent)).sort()) {
      const dir = posix.join(parent, profile);
      if (!(await host.exists(posix.join(dir, 'cert9.db')))) continue;
      stores.push(
        nssStore(`nss:${rel}/${profile}`, `Firefox profile ${profile}`, dir, subject, hint),
      );
    }
  }
  return stores;
}
