/**
 * Server certificates for the TLS edge, signed by the local intermediate, and the test of when
 * one is due for replacement. Leaves are short-lived (a week by default) and re-issued freely.
 */
import { UserError } from '../../base/user-error.js';
import { randomSerial, BACKDATE_MS } from './authority.js';
import type { LocalCa } from './ensure-ca.js';
import { EC_ALGORITHM, generateKey } from './keys.js';
import { isLocalDnsName, isLoopbackIp } from './local-names.js';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  certificatePem,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from './x509.js';

const HOUR_MS = 60 * 60 * 1000;
/** Apple platforms reject TLS server certificates valid for more than 825 days. */
const MAX_VALIDITY_HOURS = 825 * 24;

/** What a leaf certifies. */
export interface LeafRequest {
  /** `localhost` or names under `.localhost` (a leading `*.` label is allowed). */
  dnsNames: string[];
  /** Loopback addresses only: 127.0.0.0/8 or ::1. */
  ipAddresses?: string[];
  /** Default 7 × 24; never beyond the intermediate's own expiry. */
  validityHours?: number;
  now?: Date;
}

/** A server certificate with its key, ready for `tls.createSecureContext`. */
export interface Leaf {
  certPem: string;
  /** PKCS#8 PEM. Secret: never log it. */
  keyPem: string;
  /** The leaf followed by the intermediate: what a server sends. */
  chainPem: string;
  notAfter: Date;
}

/**
 * Issues an ECDSA P-256 server certificate (serverAuth, SAN, AKI/SKI) from the intermediate.
 * Names outside `localhost`/`*.localhost`/loopback are a {@link UserError}: the intermediate's
 * name constraints would make every client reject such a certificate anyway.
 */
export async function issueLeaf(ca: LocalCa, request: LeafRequest): Promise<Leaf> {
  const { dnsNames, ipAddresses = [], validityHours = 7 * 24, now = new Date() } = request;
  checkNames(dnsNames, ipAddresses);
  if (!(validityHours > 0 && validityHours <= MAX_VALIDITY_HOURS)) {
    throw new RangeError(`validityHours must be in (0, ${MAX_VALIDITY_HOURS}]: ${validityHours}`);
  }
  const issuer = ca.intermediate;
  const wanted = new Date(now.getTime() + validityHours * HOUR_MS);
  const notAfter = wanted < issuer.notAfter ? wanted : issuer.notAfter;
  const key = await generateKey();
  const firstDns = dnsNames[0];
  // Without a DNS name the CN stays out: OpenSSL would match an address-like CN against the
  // dNSName constraints and reject the leaf.
  const subject = new Name([
    { O: ['Rehearsal'] },
    ...(firstDns === undefined ? [] : [{ CN: [firstDns] }]),
  ]);
  const cert = await X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer.cert.subjectName,
    publicKey: key.keys.publicKey,
    signingKey: issuer.signingKey,
    signingAlgorithm: EC_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      new SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await SubjectKeyIdentifierExtension.create(key.keys.publicKey),
      await AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
    ],
  });
  const certPem = certificatePem(cert);
  return {
    certPem,
    keyPem: key.privateKeyPem,
    chainPem: certPem + issuer.certPem,
    notAfter: cert.notAfter,
  };
}

function checkNames(dnsNames: string[], ipAddresses: string[]): void {
  if (dnsNames.length === 0 && ipAddresses.length === 0) {
    throw new RangeError('a leaf certificate needs at least one DNS name or IP address');
  }
  const foreign = [
    ...dnsNames.filter((n) => !isLocalDnsName(n)),
    ...ipAddresses.filter((a) => !isLoopbackIp(a)),
  ];
  if (foreign.length > 0) {
    throw new UserError(
      `the local CA only certifies localhost names and loopback addresses, not ${foreign.join(', ')}`,
      { hint: 'use a name that ends in .localhost, e.g. my-service.rehearsal.localhost' },
    );
  }
}

/**
 * Whether a certificate should be replaced at `now`: it expires within `marginHours` (default
 * 24), or is not valid yet. A PEM that does not parse throws.
 */
export function needsRenewal(certPem: string, now: Date, marginHours = 24): boolean {
  const cert = new X509Certificate(certPem);
  if (cert.notBefore > now) return true;
  return cert.notAfter.getTime() - now.getTime() < marginHours * HOUR_MS;
}
