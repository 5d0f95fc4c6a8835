/**
 * The request body on its way to a replica: framed as the client sent it (Content-Length bytes
 * as they are, or re-chunked when the length is unknown; Node's parser hands over decoded
 * chunks), and the first bytes kept so the request can be replayed on another replica if the
 * first never received it.
 */
import type { Socket } from 'node:net';
import type { BodyMode } from './request-head.js';

/** Body bytes kept for a retry; a longer body that already left is not retried. */
export const MAX_REPLAY_BYTES = 64 * 1024;
const CHUNK_END = '0\r\n\r\n';

export class RequestBody {
  /** The client sent the whole body (always true without a body). */
  ended: boolean;
  private kept: Buffer[] | undefined;
  private keptBytes = 0;

  constructor(readonly mode: BodyMode) {
    this.ended = mode === 'none';
    this.kept = mode === 'none' ? undefined : [];
  }

  /** Everything sent so far can be sent again. */
  get replayable(): boolean {
    return this.mode === 'none' || this.kept !== undefined;
  }

  /** Keeps `chunk` for a replay, until the limit (then no replay is possible). */
  keep(chunk: Buffer): void {
    if (this.kept === undefined) return;
    this.keptBytes += chunk.length;
    if (this.keptBytes <= MAX_REPLAY_BYTES) this.kept.push(chunk);
    else this.kept = undefined;
  }

  /** No more retries: stop keeping bytes. */
  forget(): void {
    this.kept = undefined;
  }

  /** Writes one piece; false when the socket asks to wait for 'drain'. */
  write(socket: Socket, chunk: Buffer): boolean {
    if (this.mode !== 'chunked') return socket.write(chunk);
    socket.cork();
    socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
    socket.write(chunk);
    const more = socket.write('\r\n', 'latin1');
    socket.uncork();
    return more;
  }

  /** The client finished its body: close the chunked framing. */
  end(socket: Socket): void {
    this.ended = true;
    if (this.mode === 'chunked') socket.write(CHUNK_END);
  }

  /** On a new attempt, after the head: what was kept, and the end if the client already finished. */
  replayTo(socket: Socket): void {
    if (this.kept !== undefined) for (const chunk of this.kept) this.write(socket, chunk);
    if (this.ended && this.mode === 'chunked') socket.write(CHUNK_END);
  }
}
