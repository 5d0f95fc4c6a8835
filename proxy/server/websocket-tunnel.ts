/**
 * WebSocket (and any other `Upgrade`) requests: the head goes to a replica chosen by round robin,
 * then bytes are piped both ways until either side closes. A replica that cannot be reached is
 * ejected and the upgrade tried on the next, as for plain requests. The upgrade counts as
 * in flight on its replica until the replica answers it; an open tunnel (101) no longer does, so a
 * drain does not wait for a socket that may stay open for hours: the replica closes its sockets
 * when it is stopped, and clients reconnect through the edge to another.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { BACKEND_HEADER, MAX_ATTEMPTS, type Backend } from './backend.js';
import type { ErrorCause } from './metrics.js';
import type { Route } from './route.js';

/** Answers an upgrade the proxy cannot forward, on the raw client socket. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** Tunnel settings. */
export interface TunnelOptions {
  connectMs: number;
  /** Wait for the replica's answer to the upgrade request. */
  responseMs: number;
  /** Live tunnels, so shutdown can close them. */
  open: Set<Duplex>;
}

/**
 * Forwards an upgrade request (`headText` built with `upgrade: true`, `early` the bytes the client
 * sent after its head) to `backend`, trying the next replica while one cannot be reached.
 */
export function tunnel(
  route: Route,
  backend: Backend,
  client: Duplex,
  headText: string,
  early: Buffer,
  options: TunnelOptions,
  retriesLeft = MAX_ATTEMPTS - 1,
): void {
  backend.begin();
  let connected = false;
  let answered = false;
  let done = false;
  let counted = true;
  const release = (): void => {
    if (!counted) return;
    counted = false;
    backend.end();
  };
  const upstream: Socket = connect({ host: backend.host, port: backend.port, noDelay: true });
  upstream.setTimeout(options.connectMs);
  options.open.add(client);
  const finish = (): void => {
    if (done) return;
    done = true;
    release();
    options.open.delete(client);
  };
  const fail = (cause: ErrorCause, neverReached: boolean): void => {
    if (done) return;
    finish();
    upstream.destroy();
    if (client.destroyed) return; // the client left first: nothing failed on the replica's side
    backend.counters.error(cause);
    if (neverReached) route.connectionFailed(backend, cause);
    const next = neverReached && retriesLeft > 0 ? route.pick(backend) : undefined;
    if (next !== undefined && !client.destroyed) {
      backend.counters.error('retried');
      tunnel(route, next, client, headText, early, options, retriesLeft - 1);
    } else if (cause === 'timeout') {
      rejectUpgrade(client, 504, 'Gateway Timeout', 'upstream timed out\n');
    } else {
      rejectUpgrade(client, 502, 'Bad Gateway', `upstream connection failed (${cause})\n`);
    }
  };
  upstream.on('connect', () => {
    connected = true;
    upstream.setTimeout(options.responseMs);
  });
  upstream.write(
    early.length > 0 ? Buffer.concat([Buffer.from(headText, 'latin1'), early]) : headText,
  );
  upstream.once('data', (first: Buffer) => {
    answered = true;
    upstream.setTimeout(0); // a WebSocket may stay quiet for long; idle is not an error here
    const status = Number(first.toString('latin1', 9, 12));
    if (status >= 100) backend.counters.response(status);
    if (status === 101) release();
    client.write(withBackendHeader(first, backend.ip));
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('timeout', () => fail(connected ? 'timeout' : 'connect_refused', !connected));
  upstream.on('error', () => {
    if (!answered) fail(connected ? 'reset_after_request' : 'connect_refused', !connected);
  });
  upstream.on('close', () => {
    if (!answered) fail(connected ? 'reset_after_request' : 'connect_refused', !connected);
    else {
      finish();
      client.destroy();
    }
  });
  if (retriesLeft === MAX_ATTEMPTS - 1) {
    // Attached once per client socket, not per attempt.
    client.on('error', () => client.destroy());
  }
  const closeUpstream = (): void => {
    upstream.destroy();
  };
  client.once('close', closeUpstream);
  upstream.once('close', () => client.off('close', closeUpstream));
}

/**
 * The replica's answer to the upgrade with the edge's backend header after its status line, as
 * every proxied HTTP answer has it, so a client can tell which replica holds its socket even when
 * the service does not name itself. Left as it is when the status line is not whole in `first`.
 */
export function withBackendHeader(first: Buffer, ip: string): Buffer {
  const eol = first.indexOf('\r\n');
  if (eol < 0) return first;
  return Buffer.concat([
    first.subarray(0, eol + 2),
    Buffer.from(`${BACKEND_HEADER}: ${ip}\r\n`, 'latin1'),
    first.subarray(eol + 2),
  ]);
}
