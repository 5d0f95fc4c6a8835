/**
 * The proxy's configuration file (`REHEARSAL_PROXY_CONFIG`, default `/etc/rehearsal/proxy.json`),
 * written by the CLI and copied into the container before it starts:
 *
 * ```json
 * { "listen": 8443, "admin": 8444,
 *   "routes": [{ "host": "patient-api.rehearsal.localhost", "service": "patient-api", "port": 8080 }],
 *   "tls": { "cert": "/etc/rehearsal/tls/cert.pem", "key": "/etc/rehearsal/tls/key.pem" },
 *   "adminToken": "/etc/rehearsal/admin-token",
 *   "discovery": { "intervalMs": 500 } }
 * ```
 * Optional: `bind` (default `0.0.0.0`), `discovery.probeIntervalMs` (200), `timeouts.connectMs`
 * (2000), `timeouts.responseMs` (60000), `timeouts.idleMs` (4000), `timeouts.shutdownMs` (5000),
 * and `replicas` — `{ "<service>": ["127.0.0.1:9101", …] }`, fixed replica addresses instead of
 * DNS, for benchmarks and setups without a sandbox network.
 * Every problem is reported as one `ConfigError` naming the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { checkTlsMaterial } from './edge-server.js';
import type { ProxyOptions } from './proxy.js';
import type { RouteConfig } from './route.js';

/** The configuration cannot be used; the message names the file and the field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be an object`);
  }
  return value as Json;
}

function port(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
    throw new ConfigError(`${where} must be a port number (0-65535)`);
  }
  return value as number;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigError(`${where} must be a non-empty string`);
  return value;
}

function millis(value: unknown, where: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`${where} must be a number of milliseconds >= ${min}`);
  }
  return value;
}

function routes(value: unknown): RouteConfig[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new ConfigError('routes must be a non-empty array');
  const seen = new Set<string>();
  return value.map((item, i) => {
    const r = object(item, `routes[${i}]`);
    const host = text(r.host, `routes[${i}].host`).toLowerCase();
    if (!HOSTNAME.test(host))
      throw new ConfigError(`routes[${i}].host "${host}" is not a hostname`);
    if (seen.has(host)) throw new ConfigError(`routes[${i}].host "${host}" appears twice`);
    seen.add(host);
    const portNumber = port(r.port, `routes[${i}].port`);
    if (portNumber === 0) throw new ConfigError(`routes[${i}].port must be 1-65535`);
    return { host, service: text(r.service, `routes[${i}].service`), port: portNumber };
  });
}

function replicas(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, string[]> = {};
  for (const [service, list] of Object.entries(object(value, 'replicas'))) {
    if (
      !Array.isArray(list) ||
      !list.every((e) => typeof e === 'string' && /^[\d.]+(:\d{1,5})?$/.test(e))
    ) {
      throw new ConfigError(
        `replicas.${service} must be a list of "address" or "address:port" strings`,
      );
    }
    out[service] = list as string[];
  }
  return out;
}

/** The file's content with file paths still unread. */
export interface ProxyConfigFile extends Omit<
  ProxyOptions,
  'tls' | 'adminToken' | 'resolver' | 'logger'
> {
  tls: { cert: string; key: string };
  adminToken: string;
}

/** Validates a parsed configuration file; throws `ConfigError`. */
export function parseProxyConfig(value: unknown): ProxyConfigFile {
  const c = object(value, 'the configuration');
  // Checked in the order the file lists them, so the first message is about the first mistake.
  const listen = port(c.listen, 'listen');
  const admin = port(c.admin, 'admin');
  const bind = c.bind === undefined ? '0.0.0.0' : text(c.bind, 'bind');
  const routeList = routes(c.routes);
  const tls = object(c.tls, 'tls');
  const cert = text(tls.cert, 'tls.cert');
  const key = text(tls.key, 'tls.key');
  const adminToken = text(c.adminToken, 'adminToken');
  const discovery = c.discovery === undefined ? {} : object(c.discovery, 'discovery');
  const timeouts = c.timeouts === undefined ? {} : object(c.timeouts, 'timeouts');
  return {
    listen,
    admin,
    bind,
    routes: routeList,
    replicas: replicas(c.replicas),
    tls: { cert, key },
    adminToken,
    discovery: {
      intervalMs: millis(discovery.intervalMs, 'discovery.intervalMs', 500, 50),
      probeIntervalMs: millis(discovery.probeIntervalMs, 'discovery.probeIntervalMs', 200, 10),
    },
    timeouts: {
      connectMs: millis(timeouts.connectMs, 'timeouts.connectMs', 2000, 1),
      responseMs: millis(timeouts.responseMs, 'timeouts.responseMs', 60_000, 1),
      idleMs: millis(timeouts.idleMs, 'timeouts.idleMs', 4000, 0),
      shutdownMs: millis(timeouts.shutdownMs, 'timeouts.shutdownMs', 5000, 0),
    },
  };
}

async function readText(path: string, what: string, source: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${source}: cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

/** Reads the configuration file and the files it names (certificate, key, admin token). */
export async function loadProxyConfig(
  path: string,
): Promise<Omit<ProxyOptions, 'resolver' | 'logger'>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readText(path, 'configuration', path));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  let file: ProxyConfigFile;
  try {
    file = parseProxyConfig(parsed);
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`);
  }
  const [cert, key, token] = await Promise.all([
    readText(file.tls.cert, 'tls.cert', path),
    readText(file.tls.key, 'tls.key', path),
    readText(file.adminToken, 'adminToken', path),
  ]);
  const adminToken = token.trim();
  if (adminToken.length < 16)
    throw new ConfigError(
      `${path}: the admin token in ${file.adminToken} is shorter than 16 characters`,
    );
  try {
    checkTlsMaterial({ cert, key });
  } catch (error) {
    throw new ConfigError(
      `${path}: ${file.tls.cert} and ${file.tls.key}: ${(error as Error).message}`,
    );
  }
  return { ...file, tls: { cert, key }, adminToken };
}
