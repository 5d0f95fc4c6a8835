/**
 * Replica discovery without the Docker socket: every `intervalMs` each route's service name is
 * resolved on the sandbox network (Docker's embedded DNS answers with every replica's address).
 * New addresses join once a TCP connect succeeds; missing ones drain and leave when idle.
 * Ejected replicas are probed in the background and re-admitted only while DNS still lists them
 * and a TCP connect succeeds. Replicas under an admin hold are left alone.
 */
import { promises as dns } from 'node:dns';
import { connect } from 'node:net';
import type { Backend } from './backend.js';
import type { Logger } from '../../base/log.js';
import { endpoint, type Route } from './route.js';

/** Resolves a service name to its replicas' IPv4 addresses; injectable for tests. */
export type Resolver = (service: string) => Promise<string[]>;

/** The production resolver: A records from the container's DNS (Docker's embedded server). */
export const dnsResolver: Resolver = async (service) => {
  try {
    return await dns.resolve4(service);
  } catch (error) {
    // No such name, or no A record: the service has no running replica right now.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
    throw error;
  }
};

/** A resolver answering from a fixed list per service (benchmarks, setups without DNS). */
export function staticResolver(replicas: Readonly<Record<string, string[]>>): Resolver {
  return (service) => Promise.resolve(replicas[service] ?? []);
}

/** Discovery timing. */
export interface DiscoveryOptions {
  intervalMs: number;
  /** How often ejected replicas are probed. */
  probeIntervalMs: number;
  connectMs: number;
  /** Idle pooled connections older than this are closed on every refresh. */
  idleMs: number;
}

/** Resolves true when a TCP connection to ip:port opens within `timeoutMs`. */
export function tcpProbe(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port });
    socket.setTimeout(timeoutMs);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Keeps every route's replica set in step with DNS. */
export class Discovery {
  private refreshTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly joining = new Set<string>();
  private lastError = '';

  constructor(
    private readonly routes: readonly Route[],
    private readonly resolve: Resolver,
    private readonly options: DiscoveryOptions,
    private readonly log: Logger,
  ) {}

  /** First refresh (replicas reachable now are in the rotation when it resolves), then timers. */
  async start(): Promise<void> {
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), this.options.intervalMs);
    this.probeTimer = setInterval(() => this.probeEjected(), this.options.probeIntervalMs);
  }

  stop(): void {
    clearInterval(this.refreshTimer);
    clearInterval(this.probeTimer);
  }

  /** Resolves every service now and reconciles; concurrent calls share one run. */
  refresh(): Promise<void> {
    this.running ??= this.refreshOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Probes `backend` now and admits it if it may be: listed, no hold, reachable. */
  async probe(route: Route, backend: Backend): Promise<void> {
    if (backend.probing || backend.state === 'healthy') return;
    backend.probing = true;
    const ok = await tcpProbe(backend.host, backend.port, this.options.connectMs);
    backend.probing = false;
    // Re-read after the await: the replica may have left or been admitted meanwhile.
    const now = route.backends.get(backend.ip);
    if (ok && now === backend && now.listed && now.hold === undefined && now.state !== 'healthy') {
      route.admit(backend, 'probe succeeded');
    }
  }

  private async refreshOnce(): Promise<void> {
    const services = [...new Set(this.routes.map((r) => r.service))];
    const answers = new Map<string, string[]>();
    await Promise.all(
      services.map(async (service) => {
        try {
          answers.set(service, await this.resolve(service));
        } catch (error) {
          // Keep the last known replicas: a DNS hiccup must not empty the rotation.
          const message = `${service}: ${(error as Error).message}`;
          if (message !== this.lastError)
            this.log.warn('dns lookup failed', { service, error: message });
          this.lastError = message;
        }
      }),
    );
    const joins: Promise<void>[] = [];
    for (const route of this.routes) {
      const ips = answers.get(route.service);
      if (ips !== undefined) joins.push(...this.reconcile(route, new Set(ips)));
      for (const backend of route.backends.values()) backend.closeIdle(this.options.idleMs);
    }
    this.removeIdleLeavers();
    await Promise.all(joins);
  }

  private reconcile(route: Route, ips: Set<string>): Promise<void>[] {
    for (const backend of route.backends.values()) {
      backend.listed = ips.has(backend.ip);
      if (!backend.listed && backend.state !== 'draining') route.drain(backend, 'left DNS');
    }
    const joins: Promise<void>[] = [];
    for (const ip of ips) {
      const key = `${route.host} ${ip}`;
      if (route.backends.has(ip) || this.joining.has(key)) continue;
      this.joining.add(key);
      joins.push(
        tcpProbe(
          endpoint(ip, route.port).host,
          endpoint(ip, route.port).port,
          this.options.connectMs,
        ).then((ok) => {
          this.joining.delete(key);
          if (ok && !route.backends.has(ip)) route.add(ip);
        }),
      );
    }
    return joins;
  }

  private removeIdleLeavers(): void {
    for (const route of this.routes) {
      for (const backend of route.backends.values()) {
        if (!backend.listed && backend.inFlight === 0) route.remove(backend);
      }
    }
  }

  private probeEjected(): void {
    this.removeIdleLeavers();
    for (const route of this.routes) {
      for (const backend of route.backends.values()) {
        if (backend.state !== 'healthy' && backend.listed && backend.hold === undefined) {
          void this.probe(route, backend);
        }
      }
    }
  }
}
