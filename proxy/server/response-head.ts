/**
 * A replica's response head: status line and headers, with hop-by-hop headers removed and the
 * body's framing decided as RFC 9112 §6.3 says. Strict where leniency lets a response smuggle
 * another: folded lines, conflicting lengths, a length beside chunked coding.
 */
import { connectionTokens, isHopByHop } from './hop-by-hop.js';

/** A response's status and end-to-end headers. */
export interface ResponseHead {
  status: number;
  reason: string;
  /** Flat `[name, value, name, value, …]` in arrival order, as Node's `writeHead` accepts. */
  headers: string[];
  /** The replica lets this connection carry another request after this response. */
  keepAlive: boolean;
}

/** How the body after the head ends (before HEAD / 204 / 304, which never have one). */
export type Framing =
  { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/** The replica sent something that is not HTTP/1.1. */
export class ResponseParseError extends Error {
  override readonly name = 'ResponseParseError';
}

const STATUS_LINE = /^HTTP\/1\.[01] \d{3}( |$)/;
const CONTENT_LENGTH = /^\d{1,15}$/;

function removeHeader(headers: string[], lower: string): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if ((headers[i] as string).toLowerCase() === lower) headers.splice(i, 2);
  }
}

function framingOf(
  transferEncoding: string | undefined,
  contentLength: string | undefined,
): Framing {
  if (transferEncoding !== undefined) {
    // Chunked must be the last coding; otherwise only the connection's end delimits the body.
    const codings = transferEncoding.toLowerCase().split(',');
    return codings[codings.length - 1]?.trim() === 'chunked'
      ? { kind: 'chunked' }
      : { kind: 'close' };
  }
  if (contentLength === undefined) return { kind: 'close' };
  const length = Number(contentLength);
  return length === 0 ? { kind: 'none' } : { kind: 'length', length };
}

/**
 * Parses a head (`text` without the final blank line). Returns undefined for a 1xx interim
 * response (103 Early Hints, …), which the real response follows. Throws `ResponseParseError`.
 */
export function parseResponseHead(
  text: string,
): { head: ResponseHead; framing: Framing } | undefined {
  const lines = text.split('\r\n');
  const statusLine = lines[0] ?? '';
  const status = Number(statusLine.slice(9, 12));
  if (!STATUS_LINE.test(statusLine) || status < 100)
    throw new ResponseParseError('invalid status line');
  const headers: string[] = [];
  let connection: string | undefined;
  let transferEncoding: string | undefined;
  let contentLength: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    // A folded line (leading space) is obsolete and ambiguous: reject it (RFC 9112 §5.2).
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      throw new ResponseParseError('invalid header line');
    }
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!CONTENT_LENGTH.test(value) || (contentLength !== undefined && contentLength !== value)) {
        throw new ResponseParseError('invalid content-length');
      }
      contentLength = value;
    } else if (lower === 'transfer-encoding') {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
      continue;
    } else if (lower === 'connection') {
      connection = connection === undefined ? value : `${connection},${value}`;
      continue;
    } else if (isHopByHop(lower)) {
      continue;
    }
    headers.push(name, value);
  }
  if (status < 200) {
    if (status === 101) throw new ResponseParseError('unexpected 101 Switching Protocols');
    return undefined;
  }
  const tokens = (connection ?? '').toLowerCase();
  let keepAlive =
    statusLine.charCodeAt(7) === 49 ? !/\bclose\b/.test(tokens) : /\bkeep-alive\b/.test(tokens);
  if (transferEncoding !== undefined) {
    // Content-Length beside Transfer-Encoding is a smuggling pattern: drop it, never reuse.
    if (contentLength !== undefined) keepAlive = false;
    contentLength = undefined;
    removeHeader(headers, 'content-length');
  }
  for (const extra of connectionTokens(connection)) removeHeader(headers, extra);
  const framing = framingOf(transferEncoding, contentLength);
  if (framing.kind === 'close') keepAlive = false;
  return { head: { status, reason: statusLine.slice(13), headers, keepAlive }, framing };
}
