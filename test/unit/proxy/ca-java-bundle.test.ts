import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caBundle,
  ensureCa,
  issueLeaf,
  javaTruststore,
  JAVA_TRUSTSTORE_ALIAS,
  type LocalCa,
} from '../../../proxy/ca/index.js';
import { openssl, tempConfigDir, writeTemp } from './ca-helpers.js';

let ca: LocalCa;
let work: string;
let p12: string;

beforeAll(async () => {
  work = tempConfigDir();
  ca = await ensureCa({ dir: join(work, 'ca') });
  p12 = join(work, 'truststore.p12');
  writeFileSync(p12, javaTruststore(ca.rootPem));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const keytool = await execa('keytool', ['-help'], { reject: false, stdin: 'ignore' }).then(
  (r) => r.exitCode !== undefined,
  () => false,
);

describe('javaTruststore', () => {
  it('is a PKCS#12 file whose MAC checks out with "changeit" and that holds only the root', async () => {
    const info = await openssl([
      'pkcs12',
      '-info',
      '-in',
      p12,
      '-passin',
      'pass:changeit',
      '-nokeys',
    ]);
    expect(info.exitCode).toBe(0);
    expect(info.output).toContain('MAC: sha1');
    expect(info.output).toContain(`friendlyName: ${JAVA_TRUSTSTORE_ALIAS}`);
    expect(info.output).toContain('2.16.840.1.113894.746875.1.1');
    expect(info.output.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(info.output).not.toMatch(/PRIVATE KEY|Shrouded Keybag/);
    const wrong = await openssl([
      'pkcs12',
      '-info',
      '-in',
      p12,
      '-passin',
      'pass:wrong',
      '-nokeys',
    ]);
    expect(wrong.exitCode).not.toBe(0);
  });

  it.skipIf(!keytool)(
    'is listed by keytool as a trustedCertEntry (skipped when keytool is not installed)',
    async () => {
      const r = await execa(
        'keytool',
        ['-list', '-v', '-keystore', p12, '-storepass', 'changeit', '-storetype', 'PKCS12'],
        { reject: false, all: true, stdin: 'ignore' },
      );
      expect(r.all).toContain(`Alias name: ${JAVA_TRUSTSTORE_ALIAS}`);
      expect(r.all).toContain('Entry type: trustedCertEntry');
      expect(r.all).toContain(`SHA256: ${ca.rootFingerprintSha256}`);
      expect(r.exitCode).toBe(0);
    },
  );
});

describe('caBundle', () => {
  const system = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';

  it('appends the root to the system bundle, newline-separated', () => {
    const bundle = caBundle(system, ca.rootPem);
    expect(bundle.startsWith(system)).toBe(true);
    expect(bundle.endsWith(`${ca.rootPem.trim()}\n`)).toBe(true);
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('does not add the root twice, nor a blank line to an empty bundle', () => {
    const once = caBundle(system, ca.rootPem);
    expect(caBundle(once, ca.rootPem)).toBe(once);
    expect(caBundle('', ca.rootPem)).toBe(`${ca.rootPem.trim()}\n`);
  });

  it('lets openssl verify servers of both the "system" CA and the local CA', async () => {
    // Another local CA stands in for the system's roots.
    const other = await ensureCa({ dir: join(work, 'other') });
    const bundle = writeTemp(work, 'bundle.pem', caBundle(other.rootPem, ca.rootPem));
    for (const [name, issuer] of [
      ['mine', ca],
      ['other', other],
    ] as const) {
      const leaf = await issueLeaf(issuer, { dnsNames: ['localhost'] });
      const chain = writeTemp(work, `${name}-chain.pem`, leaf.chainPem);
      const leafFile = writeTemp(work, `${name}-leaf.pem`, leaf.certPem);
      const args = ['verify', '-no-CApath', '-no-CAstore', '-CAfile', bundle, '-untrusted', chain];
      expect((await openssl([...args, leafFile])).output).toContain(': OK');
    }
  });
});
