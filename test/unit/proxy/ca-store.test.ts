import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureCa, readRoot, rehearsalConfigDir } from '../../../proxy/ca/index.js';
import { X509Certificate } from '../../../proxy/ca/x509.js';
import { UserError } from '../../../sandbox/errors.js';
import { tempConfigDir } from './ca-helpers.js';

const DAY = 86_400_000;
let config: string;

beforeEach(() => {
  config = tempConfigDir();
  vi.stubEnv('REHEARSAL_CONFIG_DIR', config);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(config, { recursive: true, force: true });
});

describe('ensureCa on disk', () => {
  it('creates the CA under $REHEARSAL_CONFIG_DIR/ca with private modes', async () => {
    const ca = await ensureCa();
    expect(ca.created).toBe(true);
    expect(ca.paths.dir).toBe(join(config, 'ca'));
    expect(readdirSync(ca.paths.dir).sort()).toEqual([
      'intermediate-key.pem',
      'intermediate.pem',
      'root-key.pem',
      'root.pem',
    ]);
    // No temporary directory is left beside it.
    expect(readdirSync(config)).toEqual(['ca']);
    expect(readFileSync(ca.paths.root, 'utf8')).toBe(ca.rootPem);
    expect(ca.rootPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    if (process.platform !== 'win32') {
      expect(statSync(ca.paths.rootKey).mode & 0o777).toBe(0o600);
      expect(statSync(ca.paths.intermediateKey).mode & 0o777).toBe(0o600);
      expect(statSync(ca.paths.dir).mode & 0o777).toBe(0o700);
    }
  });

  it('loads the same root the second time instead of replacing it', async () => {
    const first = await ensureCa();
    const second = await ensureCa();
    expect(second.created).toBe(false);
    expect(second.intermediateRenewed).toBe(false);
    expect(second.rootPem).toBe(first.rootPem);
    expect(second.rootFingerprintSha256).toBe(first.rootFingerprintSha256);
    expect(second.intermediate.certPem).toBe(first.intermediate.certPem);
  });

  it('ends with one CA when two processes race to create it', async () => {
    const [a, b] = await Promise.all([ensureCa(), ensureCa()]);
    expect(a.rootPem).toBe(b.rootPem);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(readdirSync(config)).toEqual(['ca']);
  });

  it('keeps no private key in a readable form in memory', async () => {
    const ca = await ensureCa();
    expect(JSON.stringify(ca)).not.toContain('PRIVATE KEY');
    expect(ca.intermediate.signingKey.extractable).toBe(false);
  });

  it('tightens key file modes someone loosened', async () => {
    if (process.platform === 'win32') return;
    const ca = await ensureCa();
    chmodSync(ca.paths.rootKey, 0o644);
    await ensureCa();
    expect(statSync(ca.paths.rootKey).mode & 0o777).toBe(0o600);
  });
});

describe('a damaged CA', () => {
  it('reports a corrupted root as a UserError with the way out', async () => {
    const ca = await ensureCa();
    writeFileSync(
      ca.paths.root,
      '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n',
    );
    const err = await ensureCa().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain('root.pem is not a certificate');
    expect((err as UserError).hint).toContain('rehearsal trust --uninstall');
    expect((err as UserError).hint).toContain(ca.paths.dir);
  });

  it('reports a root key that belongs to another root', async () => {
    const ca = await ensureCa();
    const other = await ensureCa({ dir: join(config, 'other') });
    writeFileSync(ca.paths.rootKey, readFileSync(other.paths.rootKey));
    await expect(ensureCa()).rejects.toThrow(/root-key.pem does not belong to root.pem/);
  });

  it('reports a missing root key rather than creating a second root', async () => {
    const ca = await ensureCa();
    rmSync(ca.paths.rootKey);
    await expect(ensureCa()).rejects.toBeInstanceOf(UserError);
    expect(readFileSync(ca.paths.root, 'utf8')).toBe(ca.rootPem);
  });

  it('still lets uninstall read the root when its key is damaged', async () => {
    const ca = await ensureCa();
    writeFileSync(ca.paths.rootKey, 'garbage');
    expect((await readRoot()).rootPem).toBe(ca.rootPem);
  });

  it('issues a new intermediate when its key file does not match (crash mid-renewal)', async () => {
    const ca = await ensureCa();
    const other = await ensureCa({ dir: join(config, 'other') });
    writeFileSync(ca.paths.intermediateKey, readFileSync(other.paths.intermediateKey));
    const again = await ensureCa();
    expect(again.intermediateRenewed).toBe(true);
    expect(again.rootPem).toBe(ca.rootPem);
    expect(again.intermediate.certPem).not.toBe(ca.intermediate.certPem);
  });
});

describe('intermediate renewal (injected clock)', () => {
  it('keeps the intermediate with 31 days left and renews it with 29', async () => {
    const ca = await ensureCa();
    const end = ca.intermediate.notAfter.getTime();
    const kept = await ensureCa({ now: new Date(end - 31 * DAY) });
    expect(kept.intermediateRenewed).toBe(false);
    const renewed = await ensureCa({ now: new Date(end - 29 * DAY) });
    expect(renewed.intermediateRenewed).toBe(true);
    expect(renewed.rootPem).toBe(ca.rootPem);
    expect(renewed.intermediate.notAfter.getTime()).toBeGreaterThan(end);
    // Written to disk, signed by the same root.
    const onDisk = new X509Certificate(readFileSync(ca.paths.intermediate, 'utf8'));
    expect(onDisk.serialNumber).toBe(renewed.intermediate.cert.serialNumber);
    const root = new X509Certificate(ca.rootPem);
    expect(await onDisk.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);
    if (process.platform !== 'win32') {
      expect(statSync(ca.paths.intermediateKey).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(ca.paths.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reports an expired root as a UserError', async () => {
    const ca = await ensureCa();
    const err = await ensureCa({ now: new Date(ca.rootNotAfter.getTime() + DAY) }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/expired/);
  });
});

describe('rehearsalConfigDir', () => {
  const home = '/home/u';
  it('prefers REHEARSAL_CONFIG_DIR', () => {
    expect(
      rehearsalConfigDir({ env: { REHEARSAL_CONFIG_DIR: '/x' }, platform: 'linux', home }),
    ).toBe('/x');
  });
  it('follows XDG on Linux, ignoring a relative XDG_CONFIG_HOME', () => {
    expect(rehearsalConfigDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home })).toBe(
      '/xdg/rehearsal',
    );
    expect(rehearsalConfigDir({ env: { XDG_CONFIG_HOME: 'rel' }, platform: 'linux', home })).toBe(
      '/home/u/.config/rehearsal',
    );
    expect(rehearsalConfigDir({ env: {}, platform: 'linux', home })).toBe(
      '/home/u/.config/rehearsal',
    );
  });
  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(rehearsalConfigDir({ env: {}, platform: 'darwin', home: '/Users/u' })).toBe(
      '/Users/u/Library/Application Support/rehearsal',
    );
    expect(
      rehearsalConfigDir({
        env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
        platform: 'win32',
        home: 'C:\\Users\\u',
      }),
    ).toBe('C:\\Users\\u\\AppData\\Roaming\\rehearsal');
  });
});
