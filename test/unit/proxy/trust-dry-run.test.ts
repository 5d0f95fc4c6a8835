import { describe, expect, it } from 'vitest';
import { installTrust, uninstallTrust, type TrustSubject } from '../../../proxy/trust/index.js';
import { fakeHost } from './trust-helpers.js';

/** Any certificate will do: a dry run only formats commands (the SHA-1 is of this PEM). */
const ROOT_PEM = `-----BEGIN CERTIFICATE-----
MIIBBjCBraADAgECAgEBMAoGCCqGSM49BAMCMAAwHhcNMjUwMTAxMDAwMDAwWhcN
MzUwMTAxMDAwMDAwWjAAMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAA
-----END CERTIFICATE-----
`;

function subject(root: string): TrustSubject {
  return {
    rootPem: ROOT_PEM,
    paths: { dir: '', root, rootKey: '', intermediate: '', intermediateKey: '' },
  };
}
const linuxCa = subject('/home/u/.config/rehearsal/ca/root.pem');
const nick = "'Rehearsal Local Root CA'";

describe('installTrust in dry-run mode runs nothing and lists the commands per platform', () => {
  it('Debian/Ubuntu: anchor file + update-ca-certificates, then every NSS database', async () => {
    const host = fakeHost({
      platform: 'linux',
      tools: ['update-ca-certificates', 'openssl', 'certutil', 'apt-get'],
      dirs: ['/usr/local/share/ca-certificates'],
      files: {
        '/home/u/.pki/nssdb/cert9.db': '',
        '/home/u/.mozilla/firefox/ab12.default-release/cert9.db': '',
        '/home/u/.mozilla/firefox/old.default/cert8.db': '',
        '/home/u/snap/firefox/common/.mozilla/firefox/cd34.default/cert9.db': '',
      },
    });
    const lines: string[] = [];
    const reports = await installTrust(linuxCa, { host, dryRun: true, emit: (l) => lines.push(l) });
    expect(host.ran).toEqual([]);
    expect(reports.map((r) => [r.label, r.status, r.commands])).toEqual([
      [
        'system (Debian/Ubuntu)',
        'planned',
        [
          'sudo install -m 0644 /home/u/.config/rehearsal/ca/root.pem /usr/local/share/ca-certificates/rehearsal-local-root.crt',
          'sudo update-ca-certificates',
        ],
      ],
      [
        'Chromium/Chrome (~/.pki/nssdb)',
        'planned',
        [
          `certutil -A -d sql:/home/u/.pki/nssdb -t C,, -n ${nick} -i /home/u/.config/rehearsal/ca/root.pem`,
        ],
      ],
      [
        'Firefox profile ab12.default-release',
        'planned',
        [
          `certutil -A -d sql:/home/u/.mozilla/firefox/ab12.default-release -t C,, -n ${nick} -i /home/u/.config/rehearsal/ca/root.pem`,
        ],
      ],
      [
        'Firefox profile cd34.default',
        'planned',
        [
          `certutil -A -d sql:/home/u/snap/firefox/common/.mozilla/firefox/cd34.default -t C,, -n ${nick} -i /home/u/.config/rehearsal/ca/root.pem`,
        ],
      ],
    ]);
    expect(lines[0]).toBe('system (Debian/Ubuntu): planned');
    expect(lines[1]).toMatch(/^ {2}would run: sudo install -m 0644 /);
  });

  it('Debian as root: the same commands without sudo', async () => {
    const host = fakeHost({
      platform: 'linux',
      admin: true,
      tools: ['update-ca-certificates'],
      dirs: ['/usr/local/share/ca-certificates'],
    });
    const [system] = await installTrust(linuxCa, { host, dryRun: true });
    expect(system?.commands).toEqual([
      'install -m 0644 /home/u/.config/rehearsal/ca/root.pem /usr/local/share/ca-certificates/rehearsal-local-root.crt',
      'update-ca-certificates',
    ]);
  });

  it("Debian with Java: keytool for /etc/ssl/certs/java/cacerts (Debian's hook never removes)", async () => {
    const host = fakeHost({
      platform: 'linux',
      tools: ['update-ca-certificates', 'keytool'],
      dirs: ['/usr/local/share/ca-certificates'],
      files: { '/etc/ssl/certs/java/cacerts': '' },
    });
    const [, java] = await uninstallTrust(linuxCa, { host, dryRun: true });
    expect(java).toMatchObject({
      label: 'Java (/etc/ssl/certs/java/cacerts)',
      commands: [
        'sudo keytool -delete -alias debian:rehearsal-local-root.pem -keystore /etc/ssl/certs/java/cacerts -storepass changeit',
      ],
    });
  });

  it('Fedora/RHEL: anchors directory + update-ca-trust extract', async () => {
    const host = fakeHost({
      platform: 'linux',
      tools: ['update-ca-trust', 'trust'],
      dirs: ['/etc/pki/ca-trust/source/anchors'],
    });
    const [system] = await installTrust(linuxCa, { host, dryRun: true });
    expect(system?.label).toBe('system (Fedora/RHEL)');
    expect(system?.commands).toEqual([
      'sudo install -m 0644 /home/u/.config/rehearsal/ca/root.pem /etc/pki/ca-trust/source/anchors/rehearsal-local-root.pem',
      'sudo update-ca-trust extract',
    ]);
  });

  it('Arch: trust anchor --store', async () => {
    const host = fakeHost({ platform: 'linux', tools: ['trust'] });
    const [system] = await installTrust(linuxCa, { host, dryRun: true });
    expect(system?.label).toBe('system (Arch, p11-kit)');
    expect(system?.commands).toEqual([
      'sudo trust anchor --store /home/u/.config/rehearsal/ca/root.pem',
    ]);
  });

  it('macOS: System keychain via security, Firefox profiles via Homebrew certutil, quoted paths', async () => {
    const root = '/Users/u/Library/Application Support/rehearsal/ca/root.pem';
    const host = fakeHost({
      platform: 'darwin',
      home: '/Users/u',
      tools: ['security', 'certutil'],
      files: {
        '/Users/u/Library/Application Support/Firefox/Profiles/x1.default-release/cert9.db': '',
        // Chromium's Linux database is not looked for on macOS (Chrome uses the keychain).
        '/Users/u/.pki/nssdb/cert9.db': '',
      },
    });
    const reports = await installTrust(subject(root), { host, dryRun: true });
    expect(reports.map((r) => [r.label, r.commands])).toEqual([
      [
        'system (macOS System keychain)',
        [
          `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain '${root}'`,
        ],
      ],
      [
        'Firefox profile x1.default-release',
        [
          `certutil -A -d 'sql:/Users/u/Library/Application Support/Firefox/Profiles/x1.default-release' -t C,, -n ${nick} -i '${root}'`,
        ],
      ],
    ]);
  });

  it('Windows: certutil -addstore -f ROOT from an Administrator prompt, no NSS', async () => {
    const root = 'C:\\Users\\u\\AppData\\Roaming\\rehearsal\\ca\\root.pem';
    const host = fakeHost({ platform: 'win32', tools: ['certutil'] });
    const reports = await installTrust(subject(root), { host, dryRun: true });
    expect(reports.map((r) => [r.label, r.status, r.commands])).toEqual([
      [
        'system (Windows Trusted Root Certification Authorities)',
        'planned',
        [`certutil -addstore -f ROOT ${root}`],
      ],
    ]);
  });

  it('a missing tool is skipped with how to install it and the exact commands', async () => {
    const host = fakeHost({
      platform: 'linux',
      tools: ['update-ca-certificates', 'apt-get'],
      dirs: ['/usr/local/share/ca-certificates'],
      files: { '/home/u/.pki/nssdb/cert9.db': '' },
    });
    const [, nss] = await installTrust(linuxCa, { host, dryRun: true });
    expect(nss).toMatchObject({
      status: 'skipped',
      reason: 'certutil not found',
      commands: [
        'sudo apt-get install libnss3-tools',
        `certutil -A -d sql:/home/u/.pki/nssdb -t C,, -n ${nick} -i /home/u/.config/rehearsal/ca/root.pem`,
      ],
    });
  });
});

describe('uninstallTrust in dry-run mode', () => {
  it('Debian: remove the anchor and rebuild; NSS: delete by nickname', async () => {
    const host = fakeHost({
      platform: 'linux',
      tools: ['update-ca-certificates', 'certutil'],
      dirs: ['/usr/local/share/ca-certificates'],
      files: { '/home/u/.pki/nssdb/cert9.db': '' },
    });
    const reports = await uninstallTrust(linuxCa, { host, dryRun: true });
    expect(host.ran).toEqual([]);
    expect(reports.map((r) => r.commands)).toEqual([
      [
        'sudo rm -f /usr/local/share/ca-certificates/rehearsal-local-root.crt',
        'sudo update-ca-certificates --fresh',
      ],
      [`certutil -D -d sql:/home/u/.pki/nssdb -n ${nick}`],
    ]);
  });

  it('macOS: remove the trust setting, then the certificate by its SHA-1', async () => {
    const host = fakeHost({ platform: 'darwin', home: '/Users/u', tools: ['security'] });
    const [system] = await uninstallTrust(subject('/r/root.pem'), { host, dryRun: true });
    expect(system?.commands?.[0]).toBe('sudo security remove-trusted-cert -d /r/root.pem');
    expect(system?.commands?.[1]).toMatch(
      /^sudo security delete-certificate -Z [0-9A-F]{40} \/Library\/Keychains\/System\.keychain$/,
    );
  });

  it('Windows: certutil -delstore ROOT <SHA-1>', async () => {
    const host = fakeHost({ platform: 'win32', tools: ['certutil'] });
    const [system] = await uninstallTrust(subject('C:\\r.pem'), { host, dryRun: true });
    expect(system?.commands?.[0]).toMatch(/^certutil -delstore ROOT [0-9A-F]{40}$/);
  });
});
