/**
 * A route: one hostname, the sandbox service behind it, and that service's replicas. It owns
 * every state change of its replicas so the round-robin rotation (the healthy list) is always
 * in step, and tells a listener (logging, probing) about each change.
 */
import { Backend, type AdminHold, type BackendState, type PoolOptions } from './backend.js';
import type { ErrorCause } from './metrics.js';

/** One hostname served by the proxy and the sandbox service behind it. */
export interface RouteConfig {
  /** Lower-case hostname without port, e.g. `patient-api.rehearsal.localhost`. */
  host: string;
  /** DNS name of the service on the sandbox network. */
  service: string;
  /** Port every replica listens on. */
  port: number;
}

/** Told about every replica state change; `cause` says why. */
export type RouteListener = (
  route: Route,
  backend: Backend,
  previous: BackendState | 'new' | 'gone',
  cause: string,
) => void;

const MAX_EJECTIONS_KEPT = 20;

/**
 * Where a replica listens: a resolver answers with IPv4 addresses (the route's port applies) or,
 * for fixed replica lists, `address:port`.
 */
export function endpoint(entry: string, defaultPort: number): { host: string; port: number } {
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: entry, port: defaultPort };
  return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
}

export class Route {
  readonly host: string;
  readonly service: string;
  readonly port: number;
  readonly backends = new Map<string, Backend>();
  private healthy: Backend[] = [];
  private next = 0;

  constructor(
    config: RouteConfig,
    private readonly pool: PoolOptions,
    private readonly listener: RouteListener,
  ) {
    this.host = config.host;
    this.service = config.service;
    this.port = config.port;
  }

  /** The next healthy replica in round-robin order, other than `exclude`; undefined when none. */
  pick(exclude?: Backend): Backend | undefined {
    const list = this.healthy;
    const n = list.length;
    if (n === 0 || (n === 1 && list[0] === exclude)) return undefined;
    let backend = list[this.next++ % n] as Backend;
    if (backend === exclude) backend = list[this.next++ % n] as Backend;
    if (this.next > 0x3fffffff) this.next = 0;
    return backend;
  }

  /** Adds a replica (DNS listed it and a probe reached it) in the rotation. */
  add(ip: string): Backend {
    const { host, port } = endpoint(ip, this.port);
    const backend = new Backend(ip, host, port, this.pool);
    this.backends.set(ip, backend);
    this.rebuild();
    this.listener(this, backend, 'new', 'discovered');
    return backend;
  }

  /**
   * Registers a replica that discovery has not admitted yet as held out of the rotation (an admin
   * drain can come before the next DNS refresh): discovery will never admit it, and it is
   * forgotten once it leaves DNS.
   */
  addHeld(ip: string, hold: AdminHold, why: string): Backend {
    const { host, port } = endpoint(ip, this.port);
    const backend = new Backend(ip, host, port, this.pool);
    backend.hold = hold;
    backend.state = 'draining';
    this.backends.set(ip, backend);
    this.listener(this, backend, 'new', why);
    return backend;
  }

  /**
   * Takes a replica out for good: it left DNS and nothing is in flight, or the sandbox removed
   * its container (a later replica may get the same address and must start with a clean slate).
   */
  remove(backend: Backend, why = 'left DNS'): void {
    if (this.backends.get(backend.ip) === backend) this.backends.delete(backend.ip);
    backend.closeIdle();
    this.rebuild();
    this.listener(this, backend, 'gone', why);
  }

  /** A connection to `backend` failed before reaching it: eject it now, record when. */
  connectionFailed(backend: Backend, cause: ErrorCause): void {
    const now = Date.now();
    backend.lastFailureAt = now;
    if (backend.state !== 'healthy') return;
    backend.firstFailureAt = now;
    this.eject(backend, cause, now);
  }

  /** Ejects `backend` (an admin `eject` also sets a hold). */
  eject(backend: Backend, cause: ErrorCause | 'admin', now = Date.now()): void {
    backend.ejectedAt = now;
    backend.ejections.push({ at: now, cause });
    if (backend.ejections.length > MAX_EJECTIONS_KEPT) backend.ejections.shift();
    this.setState(backend, 'ejected', cause);
  }

  /** Stops new requests to `backend`; in-flight ones finish. */
  drain(backend: Backend, why: string): void {
    this.setState(backend, 'draining', why);
  }

  /** Puts `backend` back in the rotation (probe succeeded or admin lifted a hold). */
  admit(backend: Backend, why: string): void {
    backend.firstFailureAt = undefined;
    this.setState(backend, 'healthy', why);
  }

  /** Sets or lifts an admin hold. */
  setHold(backend: Backend, hold: AdminHold | undefined): void {
    backend.hold = hold;
  }

  private setState(backend: Backend, state: BackendState, cause: string): void {
    const previous = backend.state;
    if (previous === state) return;
    backend.state = state;
    if (state !== 'healthy') backend.closeIdle();
    this.rebuild();
    this.listener(this, backend, previous, cause);
  }

  private rebuild(): void {
    this.healthy = [...this.backends.values()].filter((b) => b.state === 'healthy');
  }
}
