/**
 * An HTTP/1.1 response parser for the replica side of the proxy: the head (see response-head.ts),
 * then the body framed by Content-Length, chunked coding or connection close (RFC 9112).
 * Hand-written because it is the hot path: one pass over each buffer, body bytes passed on as
 * views of the socket's buffers, no per-header objects. Chunked bodies are decoded; the client
 * side re-frames them. Trailers are dropped.
 */
import { parseResponseHead, ResponseParseError, type ResponseHead } from './response-head.js';

export { ResponseParseError, type ResponseHead };

/** Receives what the parser finds, in order: one head, body pieces, one end. */
export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  onEnd(): void;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE = 8 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNK_SIZE = /^[0-9a-fA-F]{1,12}$/;

// Parser states; numbers rather than an enum so every compiler treats them alike.
const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE_LINE = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const DONE = 7;

/** Parses one response after another on one connection; `begin` before each. */
export class ResponseParser {
  private state = DONE;
  private sink: ResponseSink | undefined;
  private headRequest = false;
  private pending: Buffer | undefined;
  private line = '';
  private remaining = 0;

  /** Prepares for the response to the request just sent. HEAD responses carry no body. */
  begin(sink: ResponseSink, headRequest: boolean): void {
    this.sink = sink;
    this.headRequest = headRequest;
    this.state = HEAD;
    this.pending = undefined;
    this.line = '';
  }

  /** The response is complete. */
  get done(): boolean {
    return this.state === DONE;
  }

  /** The body runs until the replica closes the connection. */
  get untilClose(): boolean {
    return this.state === UNTIL_CLOSE;
  }

  /**
   * Feeds bytes from the replica. Returns how many bytes arrived after the end of the response
   * (a connection with any must not be reused). Throws `ResponseParseError` on malformed input.
   */
  push(chunk: Buffer): number {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case HEAD:
          pos = this.readHead(chunk, pos);
          break;
        case LENGTH:
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, chunk.length - pos);
          this.remaining -= n;
          const piece = chunk.subarray(pos, pos + n);
          pos += n;
          if (this.remaining === 0) this.state = this.state === LENGTH ? DONE : CHUNK_DATA_END;
          this.sink?.onBody(piece);
          if (this.state === DONE) this.sink?.onEnd();
          break;
        }
        case UNTIL_CLOSE:
          this.sink?.onBody(pos === 0 ? chunk : chunk.subarray(pos));
          pos = chunk.length;
          break;
        case CHUNK_DATA_END: {
          const byte = chunk[pos++];
          if (byte === 10) this.state = CHUNK_SIZE_LINE;
          else if (byte !== 13) throw new ResponseParseError('chunk data not followed by CRLF');
          break;
        }
        case CHUNK_SIZE_LINE:
        case TRAILERS:
          pos = this.readLine(chunk, pos);
          break;
        default:
          return chunk.length - pos;
      }
    }
    return 0;
  }

  /** The replica closed the connection: true when that completes the response. */
  closeEndsResponse(): boolean {
    if (this.state === UNTIL_CLOSE) {
      this.state = DONE;
      this.sink?.onEnd();
    }
    return this.state === DONE;
  }

  private readHead(chunk: Buffer, pos: number): number {
    const pending = this.pending;
    const buf = pending === undefined ? chunk : Buffer.concat([pending, chunk.subarray(pos)]);
    const from = pending === undefined ? pos : Math.max(0, pending.length - 3);
    const end = buf.indexOf(HEAD_END, from);
    const start = pending === undefined ? pos : 0;
    if (end < 0) {
      if (buf.length - start > MAX_HEAD_BYTES)
        throw new ResponseParseError('response head too large');
      this.pending = start === 0 ? buf : buf.subarray(start);
      return chunk.length;
    }
    this.pending = undefined;
    const next = pending === undefined ? end + 4 : chunk.length - (buf.length - end - 4);
    this.parseHead(buf.toString('latin1', start, end));
    return next;
  }

  private readLine(chunk: Buffer, pos: number): number {
    const nl = chunk.indexOf(10, pos);
    if (nl < 0) {
      this.line += chunk.toString('latin1', pos);
      if (this.line.length > MAX_LINE) throw new ResponseParseError('chunk line too long');
      return chunk.length;
    }
    let line = this.line + chunk.toString('latin1', pos, nl);
    this.line = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.state === TRAILERS) {
      if (line === '') {
        this.state = DONE;
        this.sink?.onEnd();
      }
      return nl + 1;
    }
    const semicolon = line.indexOf(';');
    const hex = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
    if (!CHUNK_SIZE.test(hex)) throw new ResponseParseError('invalid chunk size');
    this.remaining = parseInt(hex, 16);
    this.state = this.remaining === 0 ? TRAILERS : CHUNK_DATA;
    return nl + 1;
  }

  private parseHead(text: string): void {
    const parsed = parseResponseHead(text);
    if (parsed === undefined) return; // a 1xx interim response: the real one follows
    const { head, framing } = parsed;
    if (this.headRequest || head.status === 204 || head.status === 304 || framing.kind === 'none') {
      this.state = DONE;
    } else if (framing.kind === 'chunked') {
      this.state = CHUNK_SIZE_LINE;
    } else if (framing.kind === 'length') {
      this.remaining = framing.length;
      this.state = LENGTH;
    } else {
      this.state = UNTIL_CLOSE;
    }
    this.sink?.onHead(head);
    if (this.state === DONE) this.sink?.onEnd();
  }
}
