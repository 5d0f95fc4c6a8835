import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCa, issueLeaf, needsRenewal, type LocalCa } from '../../../proxy/ca/index.js';
import { EC_ALGORITHM, generateKey, importPrivateKey } from '../../../proxy/ca/keys.js';
import {
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
} from '../../../proxy/ca/x509.js';
import { UserError } from '../../../sandbox/errors.js';
import { openssl, tempConfigDir, verifyChain, writeTemp } from './ca-helpers.js';

let ca: LocalCa;
let work: string;

beforeAll(async () => {
  work = tempConfigDir();
  ca = await ensureCa({ dir: join(work, 'ca') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A leaf signed with the intermediate's key by the library directly, bypassing issueLeaf. */
async function rogueLeaf(san: { type: 'dns' | 'ip'; value: string }[]): Promise<string> {
  const signingKey = await importPrivateKey(readFileSync(ca.paths.intermediateKey, 'utf8'));
  const key = await generateKey();
  const cert = await X509CertificateGenerator.create({
    serialNumber: '0badc0de',
    subject: 'O=Rogue',
    issuer: ca.intermediate.cert.subjectName,
    publicKey: key.keys.publicKey,
    signingKey,
    signingAlgorithm: EC_ALGORITHM,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new SubjectAlternativeNameExtension(san)],
  });
  return cert.toString('pem');
}

describe('local CA chain, checked by openssl', () => {
  it('verifies root → intermediate → leaf for *.rehearsal.localhost and 127.0.0.1', async () => {
    const leaf = await issueLeaf(ca, {
      dnsNames: ['*.rehearsal.localhost', 'localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
    });
    const path = writeTemp(work, 'leaf.pem', leaf.certPem);
    const plain = await verifyChain(ca.paths.root, ca.paths.intermediate, path);
    expect(plain.output).toContain('leaf.pem: OK');
    expect(plain.exitCode).toBe(0);
    const strict = await verifyChain(ca.paths.root, ca.paths.intermediate, path, [
      '-x509_strict',
      '-purpose',
      'sslserver',
    ]);
    expect(strict.output).toContain('leaf.pem: OK');
  });

  it('rejects a leaf for example.com signed by the intermediate: name constraints', async () => {
    const path = writeTemp(
      work,
      'rogue.pem',
      await rogueLeaf([{ type: 'dns', value: 'example.com' }]),
    );
    const r = await verifyChain(ca.paths.root, ca.paths.intermediate, path);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/permitted subtree violation/);
  });

  it.each([
    ['evillocalhost', 'dns'],
    ['localhost.example.com', 'dns'],
    ['10.0.0.1', 'ip'],
    ['::2', 'ip'],
  ] as const)('rejects a rogue leaf for %s', async (value, type) => {
    const path = writeTemp(work, `rogue-${type}.pem`, await rogueLeaf([{ type, value }]));
    const r = await verifyChain(ca.paths.root, ca.paths.intermediate, path);
    expect(r.output).toMatch(/permitted subtree violation/);
  });

  it.each([
    ['localhost', 'dns'],
    ['a.b.localhost', 'dns'],
    ['127.5.6.7', 'ip'],
  ] as const)('accepts a leaf for %s (inside the constraints)', async (value, type) => {
    const path = writeTemp(work, `ok-${type}.pem`, await rogueLeaf([{ type, value }]));
    const r = await verifyChain(ca.paths.root, ca.paths.intermediate, path);
    expect(r.output).toContain(': OK');
  });

  it('issues an address-only leaf that verifies (no address-like CN for OpenSSL to reject)', async () => {
    const leaf = await issueLeaf(ca, { dnsNames: [], ipAddresses: ['127.0.0.1'] });
    const path = writeTemp(work, 'ip-only.pem', leaf.certPem);
    expect((await verifyChain(ca.paths.root, ca.paths.intermediate, path)).output).toContain(
      ': OK',
    );
  });

  it('serves leaf + intermediate as the chain, with a key that matches the leaf', async () => {
    const leaf = await issueLeaf(ca, { dnsNames: ['api.rehearsal.localhost'] });
    expect(leaf.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(leaf.chainPem).toContain(ca.intermediate.certPem.trim());
    const fromCert = await openssl([
      'x509',
      '-noout',
      '-pubkey',
      '-in',
      writeTemp(work, 'l.pem', leaf.certPem),
    ]);
    const fromKey = await openssl([
      'pkey',
      '-pubout',
      '-in',
      writeTemp(work, 'k.pem', leaf.keyPem),
    ]);
    expect(fromCert.output).toBe(fromKey.output);
    const text = await openssl([
      'x509',
      '-noout',
      '-text',
      '-in',
      writeTemp(work, 'l.pem', leaf.certPem),
    ]);
    expect(text.output).toContain('TLS Web Server Authentication');
    expect(text.output).toContain('DNS:api.rehearsal.localhost');
    expect(text.output).toContain('ASN1 OID: prime256v1');
  });

  it('refuses to issue for names outside localhost with a UserError', async () => {
    await expect(issueLeaf(ca, { dnsNames: ['example.com'] })).rejects.toBeInstanceOf(UserError);
    await expect(
      issueLeaf(ca, { dnsNames: ['a.localhost'], ipAddresses: ['192.168.1.1'] }),
    ).rejects.toThrow(/192\.168\.1\.1/);
  });

  it('prints the same SHA-256 fingerprint as openssl', async () => {
    const r = await openssl(['x509', '-noout', '-fingerprint', '-sha256', '-in', ca.paths.root]);
    expect(r.output.trim()).toBe(`sha256 Fingerprint=${ca.rootFingerprintSha256}`);
  });

  it('gives the root and intermediate the requested profile', async () => {
    const root = await openssl([
      'x509',
      '-noout',
      '-text',
      '-nameopt',
      'RFC2253',
      '-in',
      ca.paths.root,
    ]);
    expect(root.output).toContain('Subject: CN=Rehearsal Local Root CA,O=Rehearsal');
    expect(root.output).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(root.output).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const inter = await openssl(['x509', '-noout', '-text', '-in', ca.paths.intermediate]);
    expect(inter.output).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(inter.output).toMatch(
      /Name Constraints: critical\s+Permitted:\s+DNS:localhost\s+DNS:\.localhost\s+IP:127\.0\.0\.0\/255\.0\.0\.0\s+IP:0:0:0:0:0:0:0:1\/FFFF(:FFFF){7}/,
    );
    const years = (ca.rootNotAfter.getTime() - ca.rootNotBefore.getTime()) / (365.25 * 86_400_000);
    expect(Math.round(years)).toBe(10);
  });
});

describe('leaf validity and needsRenewal (injected clock)', () => {
  // Certificates hold whole seconds: start from a whole hour inside the intermediate's life.
  const t0 = () =>
    new Date(Math.ceil(ca.intermediate.notBefore.getTime() / 3_600_000) * 3_600_000 + 86_400_000);
  const hours = (n: number) => new Date(t0().getTime() + n * 3_600_000);

  it('defaults to 7 days and renews within the last 24 hours', async () => {
    const leaf = await issueLeaf(ca, { dnsNames: ['x.localhost'], now: t0() });
    expect(leaf.notAfter).toEqual(hours(7 * 24));
    expect(needsRenewal(leaf.certPem, hours(0))).toBe(false);
    expect(needsRenewal(leaf.certPem, hours(7 * 24 - 25))).toBe(false);
    expect(needsRenewal(leaf.certPem, hours(7 * 24 - 23))).toBe(true);
    expect(needsRenewal(leaf.certPem, hours(7 * 24 + 1))).toBe(true);
    expect(needsRenewal(leaf.certPem, hours(7 * 24 - 47), 48)).toBe(true);
  });

  it('renews a certificate that is not valid yet (clock moved back)', async () => {
    const leaf = await issueLeaf(ca, { dnsNames: ['x.localhost'], now: t0() });
    expect(needsRenewal(leaf.certPem, hours(-2))).toBe(true);
  });

  it('never outlives the intermediate', async () => {
    const leaf = await issueLeaf(ca, {
      dnsNames: ['x.localhost'],
      validityHours: 800 * 24,
      now: new Date(ca.intermediate.notAfter.getTime() - 3_600_000),
    });
    expect(leaf.notAfter).toEqual(ca.intermediate.notAfter);
  });
});
