/**
 * One replica behind a route: its address, state in the rotation, in-flight count, pool of idle
 * keep-alive connections and counters.
 */
import type { ErrorCause } from './metrics.js';
import { BackendCounters } from './metrics.js';
import { UpstreamConnection, type ConnectionTimeouts } from './upstream-connection.js';

/** `healthy` takes requests; `ejected` failed and waits for a probe; `draining` takes none. */
export type BackendState = 'healthy' | 'ejected' | 'draining';

/** An admin instruction that keeps a replica out of the rotation until lifted or it leaves DNS. */
export type AdminHold = 'eject' | 'drain';

/** Connection pool settings shared by all replicas. */
export interface PoolOptions extends ConnectionTimeouts {
  /** Idle connections older than this are closed, before the replica's own keep-alive timeout. */
  idleMs: number;
  maxIdlePerBackend: number;
}

/** A replica's state for `GET /backends` and the admin stream. */
export interface BackendView {
  ip: string;
  port: number;
  state: BackendState;
  hold: AdminHold | null;
  inFlight: number;
  /** Requests sent to this replica since it joined. */
  requests: number;
  /** Epoch ms of the first failed connection of the current failure episode. */
  firstFailureAt: number | null;
  lastFailureAt: number | null;
  /** Epoch ms of the last ejection. */
  ejectedAt: number | null;
  /** The last ejections (at most 20), oldest first. */
  ejections: { at: number; cause: ErrorCause | 'admin' }[];
}

/** A replica. State changes go through its route, which keeps the rotation in step. */
/** Response header the edge adds to every proxied answer: the replica's address. */
export const BACKEND_HEADER = 'x-rehearsal-backend';

/** Replicas one request may be sent to when the earlier ones never received it. */
export const MAX_ATTEMPTS = 4;

export class Backend {
  state: BackendState = 'healthy';
  hold: AdminHold | undefined;
  inFlight = 0;
  /** The last DNS answer listed it. */
  listed = true;
  /** A TCP probe is running. */
  probing = false;
  firstFailureAt: number | undefined;
  lastFailureAt: number | undefined;
  ejectedAt: number | undefined;
  readonly ejections: { at: number; cause: ErrorCause | 'admin' }[] = [];
  readonly counters = new BackendCounters();
  private readonly idle: UpstreamConnection[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** The resolver's entry: an IPv4 address, or `address:port` for fixed replica lists. */
    readonly ip: string,
    readonly host: string,
    readonly port: number,
    private readonly options: PoolOptions,
  ) {}

  /** A pooled connection that is still fresh, or a new one (connecting). */
  acquire(): UpstreamConnection {
    const now = Date.now();
    for (let conn = this.idle.pop(); conn !== undefined; conn = this.idle.pop()) {
      if (!conn.closed && now - conn.idleSince < this.options.idleMs) return conn;
      conn.socket.destroy();
    }
    return new UpstreamConnection(this.host, this.port, this.options, (c) => this.forget(c));
  }

  /** Returns a connection after a complete response; it is closed unless the replica is healthy. */
  release(conn: UpstreamConnection): void {
    conn.user = undefined;
    if (
      this.state !== 'healthy' ||
      conn.closed ||
      this.idle.length >= this.options.maxIdlePerBackend
    ) {
      conn.socket.destroy();
      return;
    }
    conn.idleSince = Date.now();
    this.idle.push(conn);
  }

  /** Closes idle connections, all of them or those idle for `olderThanMs`. */
  closeIdle(olderThanMs = 0): void {
    const limit = Date.now() - olderThanMs;
    for (const conn of this.idle.filter((c) => c.idleSince <= limit)) conn.socket.destroy();
  }

  /** A request starts on this replica. */
  begin(): void {
    this.inFlight++;
    this.counters.requests++;
  }

  /** A request on this replica is over, however it ended. */
  end(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(wake);
    });
  }

  view(): BackendView {
    return {
      ip: this.ip,
      port: this.port,
      state: this.state,
      hold: this.hold ?? null,
      inFlight: this.inFlight,
      requests: this.counters.requests,
      firstFailureAt: this.firstFailureAt ?? null,
      lastFailureAt: this.lastFailureAt ?? null,
      ejectedAt: this.ejectedAt ?? null,
      ejections: [...this.ejections],
    };
  }

  private forget(conn: UpstreamConnection): void {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
