/**
 * The request head sent to a replica: the client's request line and end-to-end headers, with
 * hop-by-hop headers removed and the forwarding headers the Marketplace's edge sets. Whatever a
 * client sent as `X-Forwarded-*`, `X-Real-IP` or `Forwarded` is dropped, never appended to, so a
 * client cannot spoof its address. Built as one latin1 string: one write, no header objects.
 */
import type { IncomingMessage } from 'node:http';
import { connectionTokens, isHopByHop } from './hop-by-hop.js';
import { isValidTraceparent, newTraceparent } from './trace-context.js';

/** How the request body travels to the replica. */
export type BodyMode = 'none' | 'length' | 'chunked';

/** A request head ready to write, and what forwarding it needs to know. */
export interface RequestHead {
  /** Request line, headers and the blank line, latin1. */
  text: string;
  body: BodyMode;
}

/** Where the client reached the proxy: for the forwarding headers. */
export interface ClientSide {
  /** Client address as the TLS socket sees it. */
  ip: string;
  /** `Host` as sent (with its port), or the TLS server name when the client sent none. */
  host: string;
  /** Port the client connected to, as it sees it. */
  port: number;
}

/** The client's address without the IPv4-mapped IPv6 prefix Node adds on dual-stack sockets. */
export function clientIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** The port a `Host` value names, or `fallback` when it names none. */
export function hostPort(host: string, fallback: number): number {
  const colon = host.lastIndexOf(':');
  if (colon < 0 || colon < host.lastIndexOf(']')) return fallback;
  const port = Number(host.slice(colon + 1));
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : fallback;
}

// A Forwarded parameter value must be a quoted-string unless it is a plain token (RFC 7239).
function forwardedValue(value: string): string {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)
    ? value
    : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function shouldDrop(lower: string, upgrade: boolean, extra: string[]): boolean {
  if (upgrade && lower === 'upgrade') return false;
  return (
    isHopByHop(lower) ||
    lower === 'forwarded' ||
    lower === 'x-real-ip' ||
    lower === 'expect' || // Node's server already answered 100-continue
    lower === 'traceparent' ||
    lower === 'tracestate' ||
    lower.startsWith('x-forwarded-') ||
    (extra.length > 0 && extra.includes(lower))
  );
}

/**
 * Builds the head for `req`. `upgrade` keeps `Upgrade` and sends `Connection: upgrade`
 * (WebSocket); otherwise the replica connection stays keep-alive (HTTP/1.1's default).
 */
export function buildRequestHead(
  req: IncomingMessage,
  client: ClientSide,
  upgrade: boolean,
): RequestHead {
  const raw = req.rawHeaders;
  let connection: string | undefined;
  let traceparent: string | undefined;
  let traceparents = 0;
  let tracestate: string | undefined;
  let chunked = false;
  let length = 0;
  let hasHost = false;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (lower === 'connection') connection = raw[i + 1];
    else if (lower === 'traceparent') {
      traceparent = raw[i + 1];
      traceparents++;
    } else if (lower === 'tracestate') {
      tracestate = tracestate === undefined ? raw[i + 1] : `${tracestate},${raw[i + 1]}`;
    } else if (lower === 'transfer-encoding') chunked = true;
    else if (lower === 'content-length') length = Number(raw[i + 1]);
    else if (lower === 'host') hasHost = true;
  }
  const extra = connectionTokens(connection);
  let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
  if (!hasHost) text += `Host: ${client.host}\r\n`;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!shouldDrop(name.toLowerCase(), upgrade, extra)) text += `${name}: ${raw[i + 1]}\r\n`;
  }
  const forIp = client.ip.includes(':') ? `"[${client.ip}]"` : client.ip;
  text +=
    `X-Forwarded-For: ${client.ip}\r\nX-Forwarded-Proto: https\r\n` +
    `X-Forwarded-Host: ${client.host}\r\nX-Forwarded-Port: ${client.port}\r\n` +
    `Forwarded: for=${forIp};proto=https;host=${forwardedValue(client.host)}\r\n`;
  // An invalid or repeated traceparent starts a new trace, and its tracestate goes with it.
  if (traceparents === 1 && traceparent !== undefined && isValidTraceparent(traceparent)) {
    text += `traceparent: ${traceparent}\r\n`;
    if (tracestate !== undefined) text += `tracestate: ${tracestate}\r\n`;
  } else {
    text += `traceparent: ${newTraceparent()}\r\n`;
  }
  const body: BodyMode = chunked ? 'chunked' : length > 0 ? 'length' : 'none';
  if (body === 'chunked') text += 'Transfer-Encoding: chunked\r\n';
  if (upgrade) text += 'Connection: upgrade\r\n';
  return { text: `${text}\r\n`, body };
}
