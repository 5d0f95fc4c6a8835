/**
 * Hop-by-hop header names (RFC 9110 §7.6.1) and the tokens of a `Connection` header.
 * They describe one connection, so a proxy must not forward them; both directions use this list.
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** True for a lower-case header name that never crosses the proxy. */
export function isHopByHop(lowerName: string): boolean {
  return HOP_BY_HOP.has(lowerName);
}

/**
 * The extra header names a `Connection` header lists (lower case), besides the usual
 * `close`, `keep-alive` and `upgrade`; those headers are hop-by-hop too. Usually empty.
 */
export function connectionTokens(value: string | undefined): string[] {
  if (value === undefined) return [];
  const extra: string[] = [];
  for (const part of value.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '' && token !== 'close' && token !== 'keep-alive' && token !== 'upgrade') {
      extra.push(token);
    }
  }
  return extra;
}
