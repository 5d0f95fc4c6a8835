/** CA bundles for `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS`, `REQUESTS_CA_BUNDLE` and the like. */

/**
 * The system's PEM bundle followed by the local root, one newline between, ending in a newline.
 * A bundle that already contains the root (byte for byte, ignoring line breaks) is returned
 * unchanged, so applying this twice does not duplicate it.
 */
export function caBundle(systemBundlePem: string, rootPem: string): string {
  const root = rootPem.trim();
  const flat = (s: string) => s.replace(/\s+/g, '');
  if (flat(systemBundlePem).includes(flat(root))) return ensureNewline(systemBundlePem);
  const system = systemBundlePem.trimEnd();
  return system === '' ? `${root}\n` : `${system}\n${root}\n`;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
