/**
 * Starts the Rehearsal proxy: the TLS edge, replica discovery and the admin channel, wired
 * together. `proxy/main.ts` runs it from a configuration file; tests start it in-process with
 * an injected resolver.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdminServer } from './admin-server.js';
import { AdminStream } from './admin-stream.js';
import type { PoolOptions } from './backend.js';
import { Discovery, dnsResolver, staticResolver, type Resolver } from './discovery.js';
import { createEdgeServer, type TlsMaterial } from './edge-server.js';
import { silentLogger, type Logger } from '../../base/log.js';
import { Route, type RouteConfig, type RouteListener } from './route.js';

/** Everything the proxy needs; `loadProxyConfig` builds it from the configuration file. */
export interface ProxyOptions {
  /** Edge (TLS) port; 0 picks a free one. */
  listen: number;
  /** Admin (plain HTTP) port; 0 picks a free one. */
  admin: number;
  /** Address both servers listen on (default `0.0.0.0`: inside the container). */
  bind?: string;
  routes: RouteConfig[];
  tls: TlsMaterial;
  adminToken: string;
  discovery?: { intervalMs?: number; probeIntervalMs?: number };
  timeouts?: { connectMs?: number; responseMs?: number; idleMs?: number; shutdownMs?: number };
  /** How replicas are found (default: DNS A records on the sandbox network). */
  resolver?: Resolver;
  /** Fixed replicas per service (`address` or `address:port`) instead of DNS. */
  replicas?: Record<string, string[]>;
  logger?: Logger;
  /** Interval of the admin stream's snapshots (default 1000 ms). */
  streamIntervalMs?: number;
}

/** A running proxy. */
export interface RunningProxy extends AsyncDisposable {
  readonly edgePort: number;
  readonly adminPort: number;
  readonly routes: readonly Route[];
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then closes all. */
  close(graceMs?: number): Promise<void>;
}

function inFlight(routes: readonly Route[]): number {
  let n = 0;
  for (const route of routes) for (const b of route.backends.values()) n += b.inFlight;
  return n;
}

/** Starts the proxy; resolves once both ports listen and reachable replicas are in rotation. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const log = options.logger ?? silentLogger;
  const t = options.timeouts ?? {};
  const pool: PoolOptions = {
    connectMs: t.connectMs ?? 2000,
    responseMs: t.responseMs ?? 60_000,
    idleMs: t.idleMs ?? 4000,
    maxIdlePerBackend: 256,
  };
  const onChange: RouteListener = (route, backend, previous, cause) => {
    log.info('replica state', {
      host: route.host,
      service: route.service,
      ip: backend.ip,
      from: previous,
      to: previous === 'gone' ? 'gone' : backend.state,
      cause,
    });
  };
  const routes = options.routes.map((r) => new Route(r, pool, onChange));
  const discovery = new Discovery(
    routes,
    options.resolver ?? (options.replicas ? staticResolver(options.replicas) : dnsResolver),
    {
      intervalMs: options.discovery?.intervalMs ?? 500,
      probeIntervalMs: options.discovery?.probeIntervalMs ?? 200,
      connectMs: pool.connectMs,
      idleMs: pool.idleMs,
    },
    log,
  );
  const tunnels = {
    connectMs: pool.connectMs,
    responseMs: pool.responseMs,
    open: new Set<Duplex>(),
  };
  const edge = createEdgeServer(routes, options.tls, tunnels);
  edge.server.keepAliveTimeout = 30_000;
  const stream = new AdminStream(routes, options.streamIntervalMs ?? 1000);
  const admin = createAdminServer({
    token: options.adminToken,
    routes,
    discovery,
    stream,
    reloadTls: (material) => edge.reloadTls(material),
    log,
  });

  await discovery.start();
  const bind = options.bind ?? '0.0.0.0';
  edge.server.listen(options.listen, bind);
  admin.listen(options.admin, bind);
  try {
    await Promise.all([once(edge.server, 'listening'), once(admin, 'listening')]);
  } catch (error) {
    discovery.stop();
    edge.server.close();
    admin.close();
    throw error;
  }
  const edgePort = (edge.server.address() as AddressInfo).port;
  const adminPort = (admin.address() as AddressInfo).port;
  log.info('proxy listening', { edgePort, adminPort, hosts: routes.map((r) => r.host) });

  let closing: Promise<void> | undefined;
  const close = async (graceMs = t.shutdownMs ?? 5000): Promise<void> => {
    edge.draining = true;
    discovery.stop();
    stream.close();
    edge.server.close();
    admin.close();
    admin.closeAllConnections();
    const deadline = Date.now() + graceMs;
    while (inFlight(routes) > 0 && Date.now() < deadline) await sleep(20);
    edge.server.closeAllConnections();
    for (const socket of tunnels.open) socket.destroy();
    for (const route of routes) for (const b of route.backends.values()) b.closeIdle();
    log.info('proxy stopped', { unfinished: inFlight(routes) });
  };
  return {
    edgePort,
    adminPort,
    routes,
    close: (graceMs) => (closing ??= close(graceMs)),
    [Symbol.asyncDispose]: () => (closing ??= close()),
  };
}
