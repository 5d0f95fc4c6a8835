import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCa, type LocalCa } from '../../../proxy/ca/index.js';
import {
  installTrust,
  showTrust,
  trustStatus,
  uninstallTrust,
} from '../../../proxy/trust/index.js';
import { tempConfigDir } from './ca-helpers.js';
import { fakeHost, type FakeHostOptions } from './trust-helpers.js';

let ca: LocalCa;
const temps: string[] = [];
/** A new CA in a temp dir removed after the tests. */
async function newCa(): Promise<LocalCa> {
  const dir = tempConfigDir();
  temps.push(dir);
  return ensureCa({ dir: join(dir, 'ca') });
}
beforeAll(async () => {
  ca = await newCa();
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const DEBIAN_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const NSSDB = '/home/u/.pki/nssdb';

/** Debian with one Chromium NSS database; everything else per test. */
function debian(extra: Partial<FakeHostOptions> = {}) {
  return fakeHost({
    platform: 'linux',
    tools: ['update-ca-certificates', 'openssl', 'certutil'],
    dirs: ['/usr/local/share/ca-certificates'],
    ...extra,
    files: { [`${NSSDB}/cert9.db`]: '', ...extra.files },
  });
}

describe('installTrust', () => {
  it('as a user: adds to NSS, verifies, and leaves the system store to a sudo command', async () => {
    const host = debian({
      run: (cmd) => (cmd.args[0] === '-L' ? { exitCode: 255, stderr: 'not found' } : undefined),
    });
    const [system, nss] = await installTrust(ca, { host });
    expect(system).toMatchObject({
      status: 'skipped',
      reason: 'needs root',
      commands: [
        `sudo install -m 0644 ${ca.paths.root} /usr/local/share/ca-certificates/rehearsal-local-root.crt`,
        'sudo update-ca-certificates',
      ],
    });
    expect(nss).toMatchObject({
      status: 'installed',
      verifiedBy: `certutil -V -d sql:${NSSDB} -n 'Rehearsal Local Root CA' -u L`,
    });
    expect(host.ran).toEqual([
      `certutil -L -d sql:${NSSDB} -n 'Rehearsal Local Root CA' -a`,
      `certutil -A -d sql:${NSSDB} -t C,, -n 'Rehearsal Local Root CA' -i ${ca.paths.root}`,
      `certutil -V -d sql:${NSSDB} -n 'Rehearsal Local Root CA' -u L`,
    ]);
  });

  it('as root: installs into the system store and verifies with openssl', async () => {
    const host = debian({ admin: true, run: (cmd) => (cmd.file === 'certutil' ? {} : undefined) });
    const [system] = await installTrust(ca, { host });
    expect(system).toMatchObject({
      status: 'installed',
      verifiedBy: `openssl verify -CAfile ${DEBIAN_BUNDLE} ${ca.paths.root}`,
    });
    expect(host.ran.slice(0, 3)).toEqual([
      `install -m 0644 ${ca.paths.root} /usr/local/share/ca-certificates/rehearsal-local-root.crt`,
      'update-ca-certificates',
      `openssl verify -CAfile ${DEBIAN_BUNDLE} ${ca.paths.root}`,
    ]);
  });

  it('reports "already" where the root is in place, and runs nothing there', async () => {
    const host = debian({
      files: { [DEBIAN_BUNDLE]: `other\n${ca.rootPem}` },
      run: (cmd) => (cmd.args[0] === '-L' ? { stdout: ca.rootPem } : undefined),
    });
    const reports = await installTrust(ca, { host });
    expect(reports.map((r) => r.status)).toEqual(['already', 'already']);
    expect(host.ran).toEqual([`certutil -L -d sql:${NSSDB} -n 'Rehearsal Local Root CA' -a`]);
  });

  it('replaces an older Rehearsal root under the same nickname before adding this one', async () => {
    const older = await newCa();
    let held = [older.rootPem];
    const host = debian({
      run: (cmd) => {
        if (cmd.args[0] === '-L')
          return held.length ? { stdout: held.join('') } : { exitCode: 255 };
        if (cmd.args[0] === '-D') held = held.slice(1);
        if (cmd.args[0] === '-A') held = [...held, ca.rootPem];
        return undefined;
      },
    });
    const [, nss] = await installTrust(ca, { host });
    expect(nss?.status).toBe('installed');
    expect(held).toEqual([ca.rootPem]);
    expect(host.ran.map((c) => c.split(' ')[1])).toEqual(['-L', '-D', '-L', '-A', '-V']);
  });

  it('reports a failing command with its output and the command to retry', async () => {
    const host = debian({
      run: (cmd) =>
        cmd.args[0] === '-L'
          ? { exitCode: 255 }
          : cmd.args[0] === '-A'
            ? { exitCode: 255, stderr: 'certutil: could not authenticate to token\n' }
            : undefined,
    });
    const [, nss] = await installTrust(ca, { host });
    expect(nss?.status).toBe('failed');
    expect(nss?.reason).toMatch(/exited with 255: certutil: could not authenticate to token$/);
    expect(nss?.commands?.[0]).toMatch(/^certutil -A /);
  });

  it('reports a failed verification as a failure', async () => {
    const host = debian({
      run: (cmd) =>
        cmd.args[0] === '-L' || cmd.args[0] === '-V'
          ? { exitCode: 255, stderr: 'untrusted' }
          : undefined,
    });
    const [, nss] = await installTrust(ca, { host });
    expect(nss).toMatchObject({ status: 'failed' });
    expect(nss?.reason).toMatch(/^added, but `certutil -V .*` failed: untrusted$/);
  });

  it('emits one line per store and one per command to run', async () => {
    const lines: string[] = [];
    const host = debian({ run: (cmd) => (cmd.args[0] === '-L' ? { exitCode: 255 } : undefined) });
    await installTrust(ca, { host, emit: (l) => lines.push(l) });
    expect(lines).toEqual([
      'system (Debian/Ubuntu): skipped (needs root)',
      `  run: sudo install -m 0644 ${ca.paths.root} /usr/local/share/ca-certificates/rehearsal-local-root.crt`,
      '  run: sudo update-ca-certificates',
      `Chromium/Chrome (~/.pki/nssdb): installed, verified with \`certutil -V -d sql:${NSSDB} -n 'Rehearsal Local Root CA' -u L\``,
    ]);
    expect(lines.join('\n')).not.toContain('PRIVATE KEY');
  });
});

describe('uninstallTrust', () => {
  it('removes every copy of the root from an NSS database, then confirms it is gone', async () => {
    let copies = 2;
    const host = debian({
      run: (cmd) => {
        if (cmd.args[0] === '-L')
          return copies > 0 ? { stdout: ca.rootPem.repeat(copies) } : { exitCode: 255 };
        if (cmd.args[0] === '-D') copies--;
        return undefined;
      },
    });
    const [system, nss] = await uninstallTrust(ca, { host });
    expect(system?.status).toBe('absent');
    expect(nss?.status).toBe('removed');
    expect(host.ran.filter((c) => c.startsWith('certutil -D'))).toHaveLength(2);
  });

  it('as a user: the anchor file is there, so the sudo commands are printed', async () => {
    const host = debian({
      files: { '/usr/local/share/ca-certificates/rehearsal-local-root.crt': ca.rootPem },
      run: () => ({ exitCode: 255 }),
    });
    const [system] = await uninstallTrust(ca, { host });
    expect(system).toMatchObject({
      status: 'skipped',
      commands: [
        'sudo rm -f /usr/local/share/ca-certificates/rehearsal-local-root.crt',
        'sudo update-ca-certificates --fresh',
      ],
    });
  });
});

describe('trustStatus and showTrust', () => {
  it('says trusted / absent per store, and unknown where the tool is missing', async () => {
    const host = fakeHost({
      platform: 'linux',
      tools: ['update-ca-certificates'],
      dirs: ['/usr/local/share/ca-certificates'],
      files: { [DEBIAN_BUNDLE]: ca.rootPem, [`${NSSDB}/cert9.db`]: '' },
    });
    const status = await trustStatus(ca, { host });
    expect(status.map((s) => [s.store, s.status, s.reason])).toEqual([
      ['system', 'trusted', undefined],
      ['nss:.pki/nssdb', 'unknown', 'certutil not found'],
    ]);
  });

  it('shows the root path, fingerprint and validity', async () => {
    const host = fakeHost({
      platform: 'darwin',
      tools: ['security'],
      run: () => ({ exitCode: 1 }),
    });
    const show = await showTrust(ca, { host });
    expect(show).toMatchObject({
      rootPath: ca.paths.root,
      fingerprintSha256: ca.rootFingerprintSha256,
      notBefore: ca.rootNotBefore,
      notAfter: ca.rootNotAfter,
      stores: [{ store: 'system', label: 'system (macOS System keychain)', status: 'absent' }],
    });
    expect(show.subject).toBe('O=Rehearsal, CN=Rehearsal Local Root CA');
  });
});
