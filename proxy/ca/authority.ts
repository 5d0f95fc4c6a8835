/**
 * The two CA certificates: a root created once per user, and a short-lived, name-constrained
 * intermediate that does the day-to-day signing, so that only the intermediate's key is needed
 * to issue leaves and a leak of it can only mint certificates for local names.
 */
import { randomBytes } from 'node:crypto';
import { EC_ALGORITHM, generateKey, type GeneratedKey, type Key } from './keys.js';
import { nameConstraintsExtension } from './local-names.js';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from './x509.js';

/** RFC 4514 `CN=Rehearsal Local Root CA,O=Rehearsal` (DER order O, then CN). */
export const ROOT_NAME = new Name([{ O: ['Rehearsal'] }, { CN: ['Rehearsal Local Root CA'] }]);
const INTERMEDIATE_NAME = new Name([
  { O: ['Rehearsal'] },
  { CN: ['Rehearsal Local Intermediate CA'] },
]);

/** How long the root lives; it is never renewed automatically (browsers trust it by key). */
export const ROOT_VALIDITY_YEARS = 10;
/** How long an intermediate lives; `ensureCa` replaces it 30 days before the end. */
export const INTERMEDIATE_VALIDITY_YEARS = 2;
/** Backdating absorbs clock skew between the host and a container VM (Docker Desktop). */
export const BACKDATE_MS = 60 * 60 * 1000;

/** A certificate together with the key it certifies. */
export interface Issued {
  cert: X509Certificate;
  key: GeneratedKey;
}

/** A positive 128-bit serial number in hex (RFC 5280 allows up to 20 octets). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 0x01;
  return bytes.toString('hex');
}

function addYears(date: Date, years: number): Date {
  const out = new Date(date);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

/** The root: ECDSA P-256, CA with path length 1, keyCertSign + cRLSign, 10 years. */
export async function createRoot(now: Date): Promise<Issued> {
  const key = await generateKey();
  const cert = await X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: ROOT_NAME,
    keys: key.keys,
    signingAlgorithm: EC_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: addYears(now, ROOT_VALIDITY_YEARS),
    extensions: [
      new BasicConstraintsExtension(true, 1, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(key.keys.publicKey),
    ],
  });
  return { cert, key };
}

/**
 * A new intermediate signed by the root: CA with path length 0, 2 years (never past the root),
 * critical Name Constraints limiting it to `localhost`, `*.localhost` and loopback addresses,
 * and extended key usage serverAuth.
 */
export async function createIntermediate(
  root: X509Certificate,
  rootKey: Key,
  now: Date,
): Promise<Issued> {
  const key = await generateKey();
  const notAfter = addYears(now, INTERMEDIATE_VALIDITY_YEARS);
  const cert = await X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: INTERMEDIATE_NAME,
    issuer: root.subjectName,
    publicKey: key.keys.publicKey,
    signingKey: rootKey,
    signingAlgorithm: EC_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: notAfter < root.notAfter ? notAfter : root.notAfter,
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      nameConstraintsExtension(),
      // Name constraints leave e-mail and URI names open; limiting the CA to TLS servers closes
      // them for every verifier that chains EKUs (OpenSSL, browsers, Apple, Windows).
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      await SubjectKeyIdentifierExtension.create(key.keys.publicKey),
      await AuthorityKeyIdentifierExtension.create(root.publicKey),
    ],
  });
  return { cert, key };
}
