/**
 * The admin channel: plain HTTP on its own port (the CLI publishes it on 127.0.0.1 only), every
 * request authenticated with `Authorization: Bearer <token>`.
 *
 * - `GET /backends` — routes and their replicas (state, in-flight, ejection timestamps).
 * - `POST /drain {"service","ip","timeoutMs"?}` — out of the rotation, wait for in-flight to
 *   reach 0 (default 30 s): 200 when drained, 504 when the wait timed out; the hold stays.
 * - `POST /eject {"service","ip"}` — out of the rotation now; the hold stays.
 * - `POST /admit {"service","ip"}` — lift a hold; back in once a TCP probe succeeds.
 * - `POST /forget {"service","ip"}` — the replica's container was removed: drop it and its hold,
 *   so a new container given the same address starts fresh.
 * - `POST /refresh` — resolve every service now; answers with the backends.
 * - `PUT /tls {"cert","key"}` — replace the edge certificate (PEM) for new connections.
 * - `GET /stream` — WebSocket feed of snapshots (see admin-stream.ts).
 * A hold ends when the address leaves DNS (the replica is gone), on `POST /forget` or `POST /admit`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Backend } from './backend.js';
import { bearerMatches } from '../../base/bearer-auth.js';
import type { Discovery } from './discovery.js';
import type { TlsMaterial } from './edge-server.js';
import type { Logger } from '../../base/log.js';
import type { Route } from './route.js';
import type { AdminStream } from './admin-stream.js';
import { HttpError } from '../../base/http-error.js';

const MAX_BODY = 1024 * 1024;
const DEFAULT_DRAIN_MS = 30_000;

/** What the admin endpoints act on. */
export interface AdminContext {
  token: string;
  routes: readonly Route[];
  discovery: Discovery;
  stream: AdminStream;
  reloadTls(material: TlsMaterial): void;
  log: Logger;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HttpError(400, 'body must be a JSON object');
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '')
    throw new HttpError(400, `"${name}" must be a non-empty string`);
  return value;
}

/** Every (route, replica) pair of `service` at `ip`; a service may serve several hosts. */
function findReplicas(ctx: AdminContext, body: Record<string, unknown>): [Route, Backend][] {
  const service = stringField(body, 'service');
  const ip = stringField(body, 'ip');
  const found: [Route, Backend][] = [];
  for (const route of ctx.routes) {
    const backend = route.service === service ? route.backends.get(ip) : undefined;
    if (backend !== undefined) found.push([route, backend]);
  }
  if (found.length === 0) throw new HttpError(404, `no replica ${ip} of service "${service}"`);
  return found;
}

function backendsView(ctx: AdminContext): unknown {
  return {
    routes: ctx.routes.map((r) => ({
      host: r.host,
      service: r.service,
      port: r.port,
      backends: [...r.backends.values()].map((b) => b.view()),
    })),
  };
}

/**
 * The replicas a drain applies to. A replica of a known service that discovery has not admitted
 * yet (started moments ago) is registered as held, so the next DNS refresh cannot put it in the
 * rotation while it is being stopped.
 */
function drainTargets(ctx: AdminContext, body: Record<string, unknown>): [Route, Backend][] {
  const service = stringField(body, 'service');
  const ip = stringField(body, 'ip');
  const routes = ctx.routes.filter((r) => r.service === service);
  if (routes.length === 0 || !isIPv4(ip)) return findReplicas(ctx, body);
  return routes.map((r) => [
    r,
    r.backends.get(ip) ?? r.addHeld(ip, 'drain', 'admin drain before discovery'),
  ]);
}

async function drain(ctx: AdminContext, body: Record<string, unknown>): Promise<[number, unknown]> {
  const replicas = drainTargets(ctx, body);
  const timeoutMs =
    typeof body.timeoutMs === 'number' && body.timeoutMs >= 0 ? body.timeoutMs : DEFAULT_DRAIN_MS;
  const inFlightAtStart = replicas.reduce((n, [, b]) => n + b.inFlight, 0);
  const started = Date.now();
  for (const [route, backend] of replicas) {
    route.setHold(backend, 'drain');
    route.drain(backend, 'admin drain');
  }
  const drained = (await Promise.all(replicas.map(([, b]) => b.waitIdle(timeoutMs)))).every(
    Boolean,
  );
  const answer = {
    service: body.service,
    ip: body.ip,
    drained,
    inFlightAtStart,
    inFlight: replicas.reduce((n, [, b]) => n + b.inFlight, 0),
    waitedMs: Date.now() - started,
  };
  ctx.log.info('admin drain', { service: String(body.service), ip: String(body.ip), drained });
  return [drained ? 200 : 504, answer];
}

async function route(ctx: AdminContext, req: IncomingMessage): Promise<[number, unknown]> {
  const path = (req.url ?? '/').split('?')[0];
  const key = `${req.method} ${path}`;
  switch (key) {
    case 'GET /backends':
      return [200, backendsView(ctx)];
    case 'POST /drain':
      return drain(ctx, await readJson(req));
    case 'POST /eject': {
      const body = await readJson(req);
      for (const [r, b] of findReplicas(ctx, body)) {
        r.setHold(b, 'eject');
        r.eject(b, 'admin');
      }
      return [200, backendsView(ctx)];
    }
    case 'POST /admit': {
      const replicas = findReplicas(ctx, await readJson(req));
      for (const [r, b] of replicas) r.setHold(b, undefined);
      await Promise.all(replicas.map(([r, b]) => ctx.discovery.probe(r, b)));
      return [200, backendsView(ctx)];
    }
    case 'POST /forget': {
      // The sandbox removed this replica's container. Docker hands a freed address to the next
      // container at once; without this, a drain hold on the old replica would keep the new one
      // out of the rotation whenever no DNS refresh fell between the two.
      const body = await readJson(req);
      const service = stringField(body, 'service');
      const ip = stringField(body, 'ip');
      let forgotten = 0;
      for (const r of ctx.routes) {
        const backend = r.service === service ? r.backends.get(ip) : undefined;
        if (backend === undefined) continue;
        r.remove(backend, 'container removed');
        forgotten++;
      }
      ctx.log.info('admin forget', { service, ip, forgotten });
      return [200, { service, ip, forgotten }];
    }
    case 'POST /refresh':
      await ctx.discovery.refresh();
      return [200, backendsView(ctx)];
    case 'PUT /tls': {
      const body = await readJson(req);
      try {
        ctx.reloadTls({ cert: stringField(body, 'cert'), key: stringField(body, 'key') });
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, `certificate or key rejected: ${(error as Error).message}`);
      }
      ctx.log.info('tls certificate replaced');
      return [200, { reloadedAt: Date.now() }];
    }
    default:
      throw new HttpError(404, `no endpoint ${key}`);
  }
}

/** Creates (does not start) the admin server. */
export function createAdminServer(ctx: AdminContext): Server {
  const server = createServer((req, res) => {
    // The one open endpoint: the sandbox's health probe. It says "up" and nothing else.
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { status: 'ok' });
    if (!bearerMatches(req.headers.authorization, ctx.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { error: 'unauthorized' });
    }
    route(ctx, req).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => {
        if (error instanceof HttpError) return send(res, error.status, { error: error.message });
        ctx.log.error('admin request failed', { error: (error as Error).message });
        send(res, 500, { error: 'internal error' });
      },
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    if (!bearerMatches(req.headers.authorization, ctx.token)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
    } else if (path !== '/stream') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    } else {
      ctx.stream.handleUpgrade(req, socket, head);
    }
  });
  return server;
}
