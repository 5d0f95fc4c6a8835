/**
 * The one door to `@peculiar/x509`. Its dependency injection (tsyringe) needs the Reflect
 * metadata polyfill loaded before the library itself, and ES modules evaluate imports in source
 * order, so every file in `proxy/ca/` imports the library through here, never directly.
 */
import 'reflect-metadata';

export * from '@peculiar/x509';

/** A certificate as PEM text ending in a newline, as files and bundles expect. */
export function certificatePem(cert: { toString(format: 'pem'): string }): string {
  return `${cert.toString('pem').trimEnd()}\n`;
}
