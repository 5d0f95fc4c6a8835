/**
 * Test harness for the proxy: replicas as node:http servers on 127.0.0.x loopback addresses
 * (one port, like containers on a Docker network), a throwaway certificate from openssl, the
 * proxy in-process with an injected resolver, and an HTTPS client that trusts the certificate.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsMaterial } from '../../../proxy/server/edge-server.js';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../../proxy/server/proxy.js';

export const HOST = 'patient-api.rehearsal.localhost';
export const SERVICE = 'patient-api';
export const TOKEN = 'test-admin-token-0123456789abcdef';

let cert: TlsMaterial | undefined;

/** A self-signed certificate for `*.rehearsal.localhost`, made once per test file. */
export function throwawayCert(): TlsMaterial {
  if (cert !== undefined) return cert;
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-proxy-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=rehearsal.localhost',
        '-addext',
        'subjectAltName=DNS:*.rehearsal.localhost,DNS:rehearsal.localhost',
      ],
      { stdio: 'pipe' },
    );
    cert = {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
    return cert;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A replica: counts what it served and can be killed (listener closed, sockets destroyed). */
export interface Replica {
  ip: string;
  server: Server;
  served: number;
  /** Requests received and not yet answered. */
  pending: number;
  last: IncomingMessage | undefined;
  kill(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, replica: Replica) => void;

/** A handler answering after `ms`, so requests are in flight on every replica under load. */
export function slowHandler(ms: number): Handler {
  return (req, res, replica) => {
    req.resume();
    setTimeout(() => {
      const body = `served by ${replica.ip}\n`;
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    }, ms);
  };
}

const defaultHandler: Handler = (req, res, replica) => {
  req.resume();
  const body = `served by ${replica.ip}\n`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

function listen(server: Server, ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts a replica on ip:port (0: any free port). */
export async function startReplica(
  ip: string,
  port: number,
  handler: Handler = defaultHandler,
): Promise<Replica> {
  const sockets = new Set<Socket>();
  const replica: Replica = {
    ip,
    served: 0,
    pending: 0,
    last: undefined,
    server: createServer((req, res) => {
      replica.served++;
      replica.pending++;
      replica.last = req;
      res.once('close', () => replica.pending--);
      handler(req, res, replica);
    }),
    async kill() {
      if (!replica.server.listening) return;
      const closed = once(replica.server, 'close');
      replica.server.close();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
  replica.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(replica.server, ip, port);
  return replica;
}

/** Starts one replica per address, all on the same port (found free on the first address). */
export async function startReplicas(
  ips: string[],
  handler: Handler = defaultHandler,
): Promise<{ port: number; replicas: Replica[] }> {
  for (let attempt = 0; ; attempt++) {
    const replicas: Replica[] = [];
    try {
      let port = 0;
      for (const ip of ips) {
        replicas.push(await startReplica(ip, port, handler));
        port = (replicas[0]!.server.address() as AddressInfo).port;
      }
      return { port, replicas };
    } catch (error) {
      // Another process holds that port on a later address: try another port.
      await Promise.all(replicas.map((r) => r.kill()));
      if (attempt >= 5) throw error;
    }
  }
}

/** The proxy in-process on 127.0.0.1, resolving `SERVICE` to whatever `ips()` returns now. */
export function startTestProxy(
  port: number,
  ips: () => string[],
  extra: Partial<ProxyOptions> = {},
): Promise<RunningProxy> {
  return startProxy({
    listen: 0,
    admin: 0,
    bind: '127.0.0.1',
    routes: [{ host: HOST, service: SERVICE, port }],
    tls: throwawayCert(),
    adminToken: TOKEN,
    resolver: (service) => Promise.resolve(service === SERVICE ? ips() : []),
    discovery: { intervalMs: 100, probeIntervalMs: 50 },
    streamIntervalMs: 100,
    ...extra,
  });
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A keep-alive client trusting the throwaway certificate. */
export function clientAgent(maxSockets = 8): Agent {
  return new Agent({ keepAlive: true, maxSockets, ca: throwawayCert().cert });
}

/** One HTTPS request to the proxy with `Host: host` (port included, as a browser sends it). */
export function get(
  port: number,
  options: {
    agent?: Agent;
    host?: string;
    path?: string;
    method?: string;
    headers?: Record<string, string | string[]>;
    body?: string;
  } = {},
): Promise<Reply> {
  const host = options.host ?? HOST;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: host,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        headers: { host: `${host}:${port}`, ...options.headers },
        agent: options.agent ?? clientAgent(1),
        ca: throwawayCert().cert,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What a bounded load produced. */
export interface LoadResult {
  ok: number;
  failed: { status: number; error: string }[];
}

/**
 * Steady load: `workers` loops over kept-alive connections, `total` requests in all, stopping
 * after `maxMs` whatever happens. `onProgress(done)` runs after each request.
 */
export async function load(
  port: number,
  options: { total: number; workers: number; maxMs: number; onProgress?: (done: number) => void },
): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failed: [] };
  const deadline = Date.now() + options.maxMs;
  let started = 0;
  const agent = clientAgent(options.workers);
  const worker = async (): Promise<void> => {
    while (started < options.total && Date.now() < deadline) {
      started++;
      try {
        const reply = await get(port, { agent });
        if (reply.status === 200) result.ok++;
        else result.failed.push({ status: reply.status, error: reply.body });
      } catch (error) {
        result.failed.push({ status: 0, error: (error as Error).message });
      }
      options.onProgress?.(result.ok + result.failed.length);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  agent.destroy();
  return result;
}

/** Admin API call with the given token (default: the right one). */
export async function admin(
  proxy: RunningProxy,
  method: string,
  path: string,
  body?: unknown,
  token = TOKEN,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${proxy.adminPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}
