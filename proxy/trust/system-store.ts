/**
 * The operating system's trust store, per platform and Linux family. Adding the root there makes
 * curl, OpenSSL-based tools, Go programs, Chrome on macOS/Windows and Safari trust it.
 */
import { posix } from 'node:path';
import { fingerprint } from '../ca/fingerprint.js';
import { command, type Command } from './command.js';
import type { TrustHost } from './host.js';
import { bundleContains, type Presence, type TrustStore, type TrustSubject } from './store.js';

const FILE_NAME = 'rehearsal-local-root';
const MAC_KEYCHAIN = '/Library/Keychains/System.keychain';

/** A Linux family whose trust store is an anchor directory compiled into a PEM bundle. */
interface AnchorFamily {
  label: string;
  /** Detected when this program is on PATH and `anchorDir` exists. */
  tool: string;
  anchorDir: string;
  anchorExt: '.crt' | '.pem';
  refresh: Command;
  /** Refresh after removing an anchor (Debian keeps stale links without `--fresh`). */
  refreshAfterRemove: Command;
  bundle: string;
}

const ANCHOR_FAMILIES: AnchorFamily[] = [
  {
    label: 'Debian/Ubuntu',
    tool: 'update-ca-certificates',
    anchorDir: '/usr/local/share/ca-certificates',
    anchorExt: '.crt',
    refresh: command('update-ca-certificates'),
    refreshAfterRemove: command('update-ca-certificates', '--fresh'),
    bundle: '/etc/ssl/certs/ca-certificates.crt',
  },
  {
    label: 'Fedora/RHEL',
    tool: 'update-ca-trust',
    anchorDir: '/etc/pki/ca-trust/source/anchors',
    anchorExt: '.pem',
    refresh: command('update-ca-trust', 'extract'),
    refreshAfterRemove: command('update-ca-trust', 'extract'),
    bundle: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  },
  {
    label: 'openSUSE/SLES',
    tool: 'update-ca-certificates',
    anchorDir: '/etc/pki/trust/anchors',
    anchorExt: '.pem',
    refresh: command('update-ca-certificates'),
    refreshAfterRemove: command('update-ca-certificates'),
    bundle: '/etc/ssl/ca-bundle.pem',
  },
];

function bundlePresence(bundle: string, anchor: string | undefined, subject: TrustSubject) {
  return async (host: TrustHost): Promise<Presence> => {
    const text = await host.readText(bundle);
    if (text !== undefined && bundleContains(text, subject.rootPem)) return 'trusted';
    if (anchor !== undefined && (await host.exists(anchor))) return 'partial';
    return 'absent';
  };
}

function anchorStore(family: AnchorFamily, subject: TrustSubject, hasOpenssl: boolean): TrustStore {
  const anchor = posix.join(family.anchorDir, FILE_NAME + family.anchorExt);
  return {
    id: 'system',
    label: `system (${family.label})`,
    admin: true,
    tools: [family.tool],
    install: [command('install', '-m', '0644', subject.paths.root, anchor), family.refresh],
    uninstall: [command('rm', '-f', anchor), family.refreshAfterRemove],
    presence: bundlePresence(family.bundle, anchor, subject),
    ...(hasOpenssl
      ? { verify: command('openssl', 'verify', '-CAfile', family.bundle, subject.paths.root) }
      : {}),
  };
}

function archStore(subject: TrustSubject, hasOpenssl: boolean): TrustStore {
  const bundle = '/etc/ca-certificates/extracted/tls-ca-bundle.pem';
  return {
    id: 'system',
    label: 'system (Arch, p11-kit)',
    admin: true,
    tools: ['trust'],
    install: [command('trust', 'anchor', '--store', subject.paths.root)],
    uninstall: [command('trust', 'anchor', '--remove', subject.paths.root)],
    presence: bundlePresence(bundle, undefined, subject),
    ...(hasOpenssl
      ? { verify: command('openssl', 'verify', '-CAfile', bundle, subject.paths.root) }
      : {}),
  };
}

async function linuxStore(host: TrustHost, subject: TrustSubject): Promise<TrustStore> {
  const hasOpenssl = (await host.which('openssl')) !== undefined;
  for (const family of ANCHOR_FAMILIES) {
    if ((await host.which(family.tool)) && (await host.exists(family.anchorDir))) {
      return anchorStore(family, subject, hasOpenssl);
    }
  }
  if (await host.which('trust')) return archStore(subject, hasOpenssl);
  // No known tool: report it as Debian's, whose package is the most likely fix.
  return {
    ...anchorStore(ANCHOR_FAMILIES[0] as AnchorFamily, subject, hasOpenssl),
    label: 'system (no update-ca-certificates, update-ca-trust or trust found)',
    toolHint: 'install your distribution\'s ca-certificates package (p11-kit "trust" on Arch)',
  };
}

function macStore(subject: TrustSubject): TrustStore {
  const root = subject.paths.root;
  const verify = command('security', 'verify-cert', '-c', root);
  return {
    id: 'system',
    label: 'system (macOS System keychain)',
    admin: true,
    tools: ['security'],
    install: [
      command('security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', MAC_KEYCHAIN, root),
    ],
    uninstall: [
      command('security', 'remove-trusted-cert', '-d', root),
      command('security', 'delete-certificate', '-Z', sha1(subject), MAC_KEYCHAIN),
    ],
    presence: async (host) => ((await host.run(verify)).exitCode === 0 ? 'trusted' : 'absent'),
    verify,
  };
}

function windowsStore(subject: TrustSubject): TrustStore {
  const probe = command('certutil', '-store', 'ROOT', sha1(subject));
  return {
    id: 'system',
    label: 'system (Windows Trusted Root Certification Authorities)',
    admin: true,
    tools: ['certutil'],
    install: [command('certutil', '-addstore', '-f', 'ROOT', subject.paths.root)],
    uninstall: [command('certutil', '-delstore', 'ROOT', sha1(subject))],
    presence: async (host) => ((await host.run(probe)).exitCode === 0 ? 'trusted' : 'absent'),
    verify: probe,
  };
}

function sha1(subject: TrustSubject): string {
  return fingerprint(subject.rootPem, 'sha1').replace(/:/g, '');
}

/** The system store of this host, or undefined on a platform Rehearsal does not know. */
export async function systemStore(
  host: TrustHost,
  subject: TrustSubject,
): Promise<TrustStore | undefined> {
  if (host.platform === 'darwin') return macStore(subject);
  if (host.platform === 'win32') return windowsStore(subject);
  if (host.platform === 'linux') return linuxStore(host, subject);
  return undefined;
}
