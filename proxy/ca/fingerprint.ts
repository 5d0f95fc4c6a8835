/** Certificate fingerprints in the form people compare by eye against other tools. */
import { createHash } from 'node:crypto';
import { PemConverter } from './x509.js';

/**
 * The fingerprint of a PEM certificate (its first block) as upper-case colon-separated hex, the
 * form `openssl x509 -noout -fingerprint -sha256` prints after `sha256 Fingerprint=`.
 */
export function fingerprint(certPem: string, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  const der = Buffer.from(PemConverter.decodeFirst(certPem));
  const hex = createHash(algorithm).update(der).digest('hex').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}
