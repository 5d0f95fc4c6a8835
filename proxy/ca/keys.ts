/**
 * ECDSA P-256 key pairs through WebCrypto, and their PKCS#8 PEM form on disk.
 * A key loaded for signing is imported non-extractable: once in memory it can sign but cannot be
 * exported, logged or serialised by accident.
 */
import { createPublicKey, type webcrypto } from 'node:crypto';
import { PemConverter } from './x509.js';

/** The key and signature algorithm of every certificate the local CA makes. */
export const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A WebCrypto key (the DOM's `CryptoKey`, which this project's `lib` does not declare). */
export type Key = webcrypto.CryptoKey;

/** A fresh key pair and its private key as PKCS#8 PEM, ready to be written (mode 0600). */
export interface GeneratedKey {
  keys: { publicKey: Key; privateKey: Key };
  privateKeyPem: string;
}

/** Generates an ECDSA P-256 key pair. */
export async function generateKey(): Promise<GeneratedKey> {
  const pair = await crypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
  const privateKeyPem = `${PemConverter.encode(pkcs8, 'PRIVATE KEY').trimEnd()}\n`;
  // Re-import so the private key that lives on in memory is not extractable.
  const privateKey = await importPrivateKey(privateKeyPem);
  return { keys: { publicKey: pair.publicKey, privateKey }, privateKeyPem };
}

/** Imports a PKCS#8 PEM ECDSA P-256 private key for signing (non-extractable). */
export async function importPrivateKey(pem: string): Promise<Key> {
  const der = PemConverter.decodeFirst(pem);
  return crypto.subtle.importKey('pkcs8', der, EC_ALGORITHM, false, ['sign']);
}

/**
 * The DER SubjectPublicKeyInfo that belongs to a PEM private key, to check that a key file and a
 * certificate belong together.
 */
export function publicKeyOf(privateKeyPem: string): Buffer {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
}
