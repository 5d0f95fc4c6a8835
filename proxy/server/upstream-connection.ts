/**
 * One TCP connection to a replica, kept alive across requests. Its socket listeners are attached
 * once and forward to whichever exchange currently uses it, so a reused connection costs no
 * listener churn per request.
 */
import { connect, type Socket } from 'node:net';
import { ResponseParser } from './response-parser.js';

/** The exchange using a connection: receives its socket events. */
export interface ConnectionUser {
  onData(chunk: Buffer): void;
  onDrain(): void;
  /** No socket activity for the connect timeout (before connect) or the response timeout. */
  onTimeout(): void;
  onClose(error: Error | undefined): void;
}

/** Time limits of a replica connection, in milliseconds. */
export interface ConnectionTimeouts {
  connectMs: number;
  responseMs: number;
}

/** A connection to one replica; `user` is set while a request uses it. */
export class UpstreamConnection {
  readonly socket: Socket;
  readonly parser = new ResponseParser();
  /** The TCP handshake completed. */
  connected = false;
  closed = false;
  /** Responses this connection has carried; more than 0 means it is reused from the pool. */
  uses = 0;
  /** When it went back to the pool (ms since epoch). */
  idleSince = 0;
  user: ConnectionUser | undefined;
  private error: Error | undefined;

  constructor(
    host: string,
    port: number,
    timeouts: ConnectionTimeouts,
    /** Called when the connection closes while idle in the pool. */
    onIdleClose: (connection: UpstreamConnection) => void,
  ) {
    const socket = connect({ host, port, noDelay: true });
    this.socket = socket;
    socket.setTimeout(timeouts.connectMs);
    socket.on('connect', () => {
      this.connected = true;
      socket.setTimeout(timeouts.responseMs);
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.user !== undefined) this.user.onData(chunk);
      else socket.destroy(); // bytes nobody asked for: the connection is out of step
    });
    socket.on('drain', () => this.user?.onDrain());
    socket.on('timeout', () => {
      if (this.user !== undefined) this.user.onTimeout();
      else socket.destroy();
    });
    socket.on('error', (error) => {
      this.error = error;
    });
    socket.on('close', () => {
      this.closed = true;
      const user = this.user;
      this.user = undefined;
      if (user !== undefined) user.onClose(this.error);
      else onIdleClose(this);
    });
  }
}
