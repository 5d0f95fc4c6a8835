/**
 * The password-based integrity MAC of a PKCS#12 file (RFC 7292 §5 and Appendix B). Java's
 * keystore loader checks this MAC against the store password.
 *
 * SHA-1 is chosen on purpose: every Java since 8 verifies an HmacPBESHA1 MAC, while SHA-256 MACs
 * are only understood since JDK 12 / 11.0.12. The MAC protects nothing secret here (a truststore
 * holds public certificates and its password is the well-known `changeit`); it exists because
 * loaders expect it.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { DigestInfo } from '@peculiar/asn1-rsa';
import { MacData } from '@peculiar/asn1-pfx';

const SHA1_OID = '1.3.14.3.2.26';
const HASH_BYTES = 20;
const BLOCK_BYTES = 64;
const MAC_KEY_ID = 3;

/** RFC 7292 B.1: a password as a NUL-terminated big-endian BMPString. */
function bmpPassword(password: string): Buffer {
  const le = Buffer.from(`${password}\0`, 'utf16le');
  return le.swap16();
}

function repeatToBlocks(data: Buffer): Buffer {
  if (data.length === 0) return data;
  const length = BLOCK_BYTES * Math.ceil(data.length / BLOCK_BYTES);
  return Buffer.alloc(length, data);
}

/**
 * RFC 7292 B.2 key derivation, for an output of at most one hash block (all an HMAC-SHA1 key
 * needs), which makes the spec's steps 6B–6C unnecessary.
 */
export function pkcs12MacKey(password: string, salt: Buffer, iterations: number): Buffer {
  const d = Buffer.alloc(BLOCK_BYTES, MAC_KEY_ID);
  const i = Buffer.concat([repeatToBlocks(salt), repeatToBlocks(bmpPassword(password))]);
  let a = createHash('sha1').update(d).update(i).digest();
  for (let round = 1; round < iterations; round++) a = createHash('sha1').update(a).digest();
  return a.subarray(0, HASH_BYTES);
}

/** The `MacData` of a PFX whose authSafe content octets are `content`. */
export function pkcs12MacData(content: Buffer, password: string, iterations = 10_000): MacData {
  const salt = randomBytes(16);
  const key = pkcs12MacKey(password, salt, iterations);
  const mac = createHmac('sha1', key).update(content).digest();
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1_OID, parameters: null }),
      digest: new OctetString(mac),
    }),
    macSalt: new OctetString(salt),
    iterations,
  });
}

/** DER of an OCTET STRING wrapping `data` (the content of a PKCS#7 `data` ContentInfo). */
export function octetStringDer(data: ArrayBuffer): ArrayBuffer {
  return AsnConvert.serialize(new OctetString(data));
}
