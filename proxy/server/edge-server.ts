/**
 * The TLS edge: an HTTPS/1.1 server that routes by Host (or SNI when a client sends no Host),
 * forwards to a replica of the route's service, tunnels upgrades, and answers an unknown host
 * with 404 and the list of known hosts. Its certificate can be replaced while it runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { Exchange, plainResponse } from './exchange.js';
import { buildRequestHead, clientIp, hostPort, type ClientSide } from './request-head.js';
import type { Route } from './route.js';
import { rejectUpgrade, tunnel, type TunnelOptions } from './websocket-tunnel.js';

/** A PEM certificate chain and its private key. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

const TLS_OPTIONS = { ALPNProtocols: ['http/1.1'], minVersion: 'TLSv1.2' } as const;

/** The hostname a `Host` value or server name designates: lower case, no port, no final dot. */
export function routeKey(host: string): string {
  let name = host;
  if (name.startsWith('[')) name = name.slice(0, name.indexOf(']') + 1);
  else if (name.includes(':')) name = name.slice(0, name.lastIndexOf(':'));
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name.toLowerCase();
}

/**
 * Throws when `material` is not a usable certificate and matching key, so a bad renewal never
 * replaces a good certificate.
 */
export function checkTlsMaterial(material: TlsMaterial): void {
  createSecureContext({ cert: material.cert, key: material.key });
}

function hostHeader(req: IncomingMessage): string | undefined {
  // rawHeaders rather than req.headers: the headers object is built lazily, skip building it.
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') return raw[i + 1];
  }
  return undefined;
}

/** The edge server; `reloadTls` swaps the certificate for new connections. */
export interface EdgeServer {
  server: Server;
  reloadTls(material: TlsMaterial): void;
  /** After `close`: answers on kept-alive connections ask the client to close them. */
  draining: boolean;
}

/** Creates (does not start) the edge server for `routes`. */
export function createEdgeServer(
  routes: readonly Route[],
  tls: TlsMaterial,
  tunnels: TunnelOptions,
): EdgeServer {
  const byHost = new Map(routes.map((r) => [r.host, r]));
  const known = routes.map((r) => r.host).sort();
  const edge: EdgeServer = {
    server: createServer({ ...TLS_OPTIONS, cert: tls.cert, key: tls.key, noDelay: true }),
    reloadTls(material) {
      checkTlsMaterial(material);
      edge.server.setSecureContext({ ...TLS_OPTIONS, cert: material.cert, key: material.key });
    },
    draining: false,
  };
  const clientSide = (req: IncomingMessage): ClientSide | undefined => {
    const host = hostHeader(req) ?? (req.socket as TLSSocket).servername;
    if (typeof host !== 'string' || host === '') return undefined;
    return { ip: clientIp(req), host, port: hostPort(host, req.socket.localPort ?? 0) };
  };
  const unknownHost = `No route for this host. Known hosts:\n${known.map((h) => `  ${h}\n`).join('')}`;

  edge.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (edge.draining) res.shouldKeepAlive = false;
    const client = clientSide(req);
    const route = client && byHost.get(routeKey(client.host));
    if (client === undefined || route === undefined) return plainResponse(res, 404, unknownHost);
    const backend = route.pick();
    if (backend === undefined)
      return plainResponse(res, 503, `no healthy replica of ${route.service}\n`);
    new Exchange(route, req, res, buildRequestHead(req, client, false)).start(backend);
  });

  edge.server.on('upgrade', (req: IncomingMessage, socket: Duplex, early: Buffer) => {
    const client = clientSide(req);
    const route = client && byHost.get(routeKey(client.host));
    if (client === undefined || route === undefined) {
      return rejectUpgrade(socket, 404, 'Not Found', unknownHost);
    }
    const backend = route.pick();
    if (backend === undefined) {
      return rejectUpgrade(
        socket,
        503,
        'Service Unavailable',
        `no healthy replica of ${route.service}\n`,
      );
    }
    tunnel(route, backend, socket, buildRequestHead(req, client, true).text, early, tunnels);
  });

  // Browsers open spare connections and drop them; nothing to log, only to clean up.
  edge.server.on('tlsClientError', (_error, socket) => socket.destroy());
  return edge;
}
