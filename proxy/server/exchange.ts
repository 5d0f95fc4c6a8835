/**
 * Forwards one HTTP request to a replica and streams the response back. A request that never
 * reached a replica (connect failed, connection broke before the request was written, or a
 * reused keep-alive connection closed before any response byte, for idempotent methods only)
 * goes to the next healthy replica, up to MAX_ATTEMPTS replicas in all, as nginx's
 * `proxy_next_upstream error` tries each server in turn: a failed replica is ejected at once, so
 * each attempt meets a different one, and two replicas down at the same moment no longer fail a
 * request no replica received. Every other failure is passed through (502/504 while no response
 * has started, naming the replica that had the request) and counted by cause.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BACKEND_HEADER, MAX_ATTEMPTS, type Backend } from './backend.js';
import type { ErrorCause } from './metrics.js';
import { RequestBody } from './request-body.js';
import type { RequestHead } from './request-head.js';
import type { ResponseHead, ResponseSink } from './response-parser.js';
import type { Route } from './route.js';
import type { ConnectionUser, UpstreamConnection } from './upstream-connection.js';

/**
 * Answers a request the proxy itself cannot forward. `replica` names the replica that had the
 * request when it failed there (a timeout, a reset after the request left), so a client can tell
 * a replica's failure from one no replica ever saw.
 */
export function plainResponse(
  res: ServerResponse,
  status: number,
  text: string,
  replica?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(replica === undefined ? {} : { [BACKEND_HEADER]: replica }),
  });
  res.end(text);
}

// On a reused connection the head may have reached the replica before it broke: only a request
// that is safe to repeat is sent again. A POST there may have been committed (the replica was
// killed before it answered), and a second one would store it twice.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

// The exchange a response belongs to, so one shared 'close' listener serves every request
// instead of a closure per request (this is the hot path).
const EXCHANGE = Symbol('exchange');
type TaggedResponse = ServerResponse & { [EXCHANGE]?: Exchange };

function onResponseClose(this: TaggedResponse): void {
  this[EXCHANGE]?.clientClosed();
}

/** One client request on its way through the proxy; lives until the response ends or fails. */
export class Exchange implements ConnectionUser, ResponseSink {
  private backend!: Backend;
  private conn!: UpstreamConnection;
  private retriesLeft = MAX_ATTEMPTS - 1;
  private startedAt = 0;
  private headFlushed = false;
  private responseStarted = false;
  private ended = false;
  private finished = false;
  private keepAlive = false;
  private readonly body: RequestBody;
  private pendingBody: Buffer | undefined;
  private upstreamPaused = false;

  constructor(
    private readonly route: Route,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly head: RequestHead,
  ) {
    this.body = new RequestBody(head.body);
    if (!this.body.ended) {
      this.onRequestData = this.onRequestData.bind(this);
      this.onRequestEnd = this.onRequestEnd.bind(this);
      req.on('data', this.onRequestData);
      req.on('end', this.onRequestEnd);
    }
    (res as TaggedResponse)[EXCHANGE] = this;
    res.on('close', onResponseClose);
  }

  /** Sends the request to `backend`. */
  start(backend: Backend): void {
    this.backend = backend;
    backend.begin();
    this.startedAt = performance.now();
    const conn = backend.acquire();
    this.conn = conn;
    conn.user = this;
    this.headFlushed = false;
    this.responseStarted = false;
    conn.parser.begin(this, this.req.method === 'HEAD');
    const socket = conn.socket;
    const withBody = this.body.mode !== 'none';
    if (withBody) socket.cork(); // head and replayed body in one write
    // Writes before the connect completes are queued by the socket. Whether the head left matters
    // only on a new connection: on a reused one, any failure before a response byte is retried.
    if (conn.uses === 0) socket.write(this.head.text, 'latin1', (e) => this.headWritten(conn, e));
    else socket.write(this.head.text, 'latin1');
    if (withBody) {
      this.body.replayTo(socket);
      socket.uncork();
      if (!this.body.ended) this.req.resume(); // a failed attempt may have paused it
    }
  }

  onData(chunk: Buffer): void {
    this.responseStarted = true;
    let extra: number;
    try {
      extra = this.conn.parser.push(chunk);
    } catch {
      // Malformed response, or a header Node refuses to send on: the replica's fault.
      this.fail('invalid_response', false);
      return;
    }
    if (this.ended) {
      this.complete(extra === 0);
    } else if (this.pendingBody !== undefined) {
      const piece = this.pendingBody;
      this.pendingBody = undefined;
      this.writeClient(piece);
    }
  }

  onHead(head: ResponseHead): void {
    this.backend.counters.response(head.status);
    this.keepAlive = head.keepAlive;
    // Which replica answered, for clients that measure the spread (Rehearsal's own traffic):
    // services need not name themselves.
    this.res.writeHead(head.status, head.reason === '' ? undefined : head.reason, [
      ...head.headers,
      BACKEND_HEADER,
      this.backend.ip,
    ]);
  }

  onBody(chunk: Buffer): void {
    // Hold the last piece of each buffer so a small response ends with one write: `end(piece)`.
    if (this.pendingBody !== undefined) this.writeClient(this.pendingBody);
    this.pendingBody = chunk;
  }

  onEnd(): void {
    this.ended = true;
  }

  onDrain(): void {
    if (!this.finished) this.req.resume();
  }

  onTimeout(): void {
    if (!this.conn.connected) this.fail('connect_refused', true);
    else this.fail('timeout', false);
  }

  onClose(error: Error | undefined): void {
    if (this.finished) return;
    if (error === undefined && this.conn.parser.untilClose) {
      this.conn.parser.closeEndsResponse();
      this.complete(false);
    } else if (!this.conn.connected) {
      this.fail('connect_refused', true);
    } else if (
      !this.responseStarted &&
      (this.conn.uses > 0 ? IDEMPOTENT.has(this.req.method ?? '') : !this.headFlushed)
    ) {
      this.fail('reset_before_request', true);
    } else {
      this.fail('reset_after_request', false);
    }
  }

  private writeClient(chunk: Buffer): void {
    if (!this.res.write(chunk) && !this.upstreamPaused) {
      this.upstreamPaused = true;
      this.conn.socket.pause();
      this.res.once('drain', () => this.clientDrained());
    }
  }

  private complete(reusable: boolean): void {
    this.finished = true;
    const piece = this.pendingBody;
    this.pendingBody = undefined;
    this.res.end(piece);
    const backend = this.backend;
    backend.counters.latencyMs(performance.now() - this.startedAt);
    backend.end();
    const conn = this.conn;
    conn.uses++;
    if (this.upstreamPaused) conn.socket.resume();
    if (reusable && this.keepAlive && this.body.ended) backend.release(conn);
    else {
      conn.user = undefined;
      conn.socket.destroy();
    }
    this.stopReadingRequest();
  }

  private fail(cause: ErrorCause, neverReached: boolean): void {
    const backend = this.backend;
    backend.counters.error(cause);
    backend.end();
    this.conn.user = undefined;
    this.conn.socket.destroy();
    if (neverReached) this.route.connectionFailed(backend, cause);
    if (neverReached && this.retriesLeft > 0 && this.body.replayable) {
      const next = this.route.pick(backend);
      if (next !== undefined) {
        this.retriesLeft--;
        backend.counters.error('retried');
        this.start(next);
        if (this.retriesLeft === 0) this.body.forget(); // the last attempt is not retried
        return;
      }
    }
    this.finished = true;
    this.stopReadingRequest();
    const replica = neverReached ? undefined : backend.ip;
    if (this.res.headersSent) this.res.destroy();
    else if (cause === 'timeout') plainResponse(this.res, 504, 'upstream timed out\n', replica);
    else plainResponse(this.res, 502, `upstream connection failed (${cause})\n`, replica);
  }

  private stopReadingRequest(): void {
    if (this.body.ended) return;
    this.req.off('data', this.onRequestData);
    this.req.off('end', this.onRequestEnd);
    this.req.resume(); // let Node discard the rest so the client connection stays usable
  }

  private headWritten(conn: UpstreamConnection, error: Error | null | undefined): void {
    if (!error && conn === this.conn) this.headFlushed = true;
  }

  private onRequestData(chunk: Buffer): void {
    this.body.keep(chunk);
    if (!this.body.write(this.conn.socket, chunk)) this.req.pause();
  }

  private onRequestEnd(): void {
    this.body.end(this.conn.socket);
  }

  private clientDrained(): void {
    this.upstreamPaused = false;
    if (!this.finished) this.conn.socket.resume();
  }

  /** The client connection closed; before the response ended, that means the client left. */
  clientClosed(): void {
    if (this.finished) return;
    // The client went away mid-exchange: the replica connection is out of step, close it.
    this.finished = true;
    this.backend.end();
    this.conn.user = undefined;
    this.conn.socket.destroy();
  }
}
