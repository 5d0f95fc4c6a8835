import { imageModeFromEnv, runtimeImage, type ImageMode } from '../images/catalogue.js';
import type { FilePlan, ProxyPlan, ServicePlan } from './types.js';

/** Every sandbox hostname ends with this; `*.localhost` resolves to loopback in browsers. */
export const SANDBOX_DOMAIN = 'rehearsal.localhost';
export const DEFAULT_PROXY_PORT = 8443;
const ADMIN = 8444;

/** Where the sandbox's CA files live inside every service container. */
export const CA_IN_CONTAINER = {
  root: '/etc/rehearsal/ca/root.pem',
  bundle: '/etc/rehearsal/ca/bundle.pem',
  truststore: '/etc/rehearsal/ca/truststore.p12',
} as const;

/** Paths of the generated files, relative to the sandbox's state folder. */
export const EDGE_FILES = {
  root: 'ca/root.pem',
  bundle: 'ca/bundle.pem',
  truststore: 'ca/truststore.p12',
  proxyConfig: 'proxy/proxy.json',
  cert: 'proxy/tls/cert.pem',
  key: 'proxy/tls/key.pem',
  adminToken: 'proxy/admin-token',
} as const;

/** The secret that guards the proxy's admin channel. */
export const ADMIN_TOKEN_SECRET = 'REHEARSAL_ADMIN_TOKEN';

/**
 * The files and variables that make every container trust the sandbox's local CA with no change
 * by the vendor: Node (NODE_EXTRA_CA_CERTS adds to its store), OpenSSL, Python requests and curl
 * (a bundle of the public roots plus the sandbox's), and Java (a PKCS#12 truststore).
 */
export function trustInjection(): { files: FilePlan[]; environment: Record<string, string> } {
  return {
    files: [
      { source: EDGE_FILES.root, target: CA_IN_CONTAINER.root, mode: 0o444 },
      { source: EDGE_FILES.bundle, target: CA_IN_CONTAINER.bundle, mode: 0o444 },
      { source: EDGE_FILES.truststore, target: CA_IN_CONTAINER.truststore, mode: 0o444 },
    ],
    environment: {
      NODE_EXTRA_CA_CERTS: CA_IN_CONTAINER.root,
      SSL_CERT_FILE: CA_IN_CONTAINER.bundle,
      REQUESTS_CA_BUNDLE: CA_IN_CONTAINER.bundle,
      CURL_CA_BUNDLE: CA_IN_CONTAINER.bundle,
      JAVA_TOOL_OPTIONS: `-Djavax.net.ssl.trustStore=${CA_IN_CONTAINER.truststore} -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=changeit`,
    },
  };
}

/** The host name of a task: `<task>.rehearsal.localhost`. */
export function taskHost(task: string): string {
  return `${task}.${SANDBOX_DOMAIN}`;
}

/**
 * The TLS edge for the tasks that serve HTTP: one proxy container, published on 127.0.0.1 only,
 * carrying every sandbox hostname as a network alias so the same URL works from the browser and
 * from inside any container.
 */
export function planEdge(
  tasks: ServicePlan[],
  options: { port?: number; mode?: ImageMode; stopGraceSeconds: number },
): { proxy: ProxyPlan; service: ServicePlan } | undefined {
  const routes = tasks
    .filter((t) => t.role === 'task' && t.probe)
    .map((t) => ({ host: taskHost(t.name), service: t.name, port: t.probe!.port }));
  if (routes.length === 0) return undefined;
  // The proxy listens inside on the very port it is published on, so `https://<name>:<port>` is
  // the same URL from the host and from every container, whatever REHEARSAL_PROXY_PORT says.
  const port = options.port ?? DEFAULT_PROXY_PORT;
  const service: ServicePlan = {
    name: 'proxy',
    role: 'proxy',
    label: 'TLS edge (reverse proxy)',
    image: runtimeImage(options.mode ?? imageModeFromEnv()),
    command: ['node', '/app/proxy.mjs'],
    environment: { REHEARSAL_PROXY_CONFIG: '/etc/rehearsal/proxy.json' },
    replicas: 1,
    instancesMinimum: 1,
    instancesMaximum: 1,
    memoryBytes: 256 * 1024 * 1024,
    ports: [port, ADMIN],
    hostPorts: { [port]: port },
    probe: { port: ADMIN, path: '/healthz' },
    files: [
      { source: EDGE_FILES.proxyConfig, target: '/etc/rehearsal/proxy.json', mode: 0o444 },
      { source: EDGE_FILES.cert, target: '/etc/rehearsal/tls/cert.pem', mode: 0o444 },
      // The key and the token are readable by the proxy's own user only.
      { source: EDGE_FILES.key, target: '/etc/rehearsal/tls/key.pem', mode: 0o400, uid: 1000 },
      {
        source: EDGE_FILES.adminToken,
        target: '/etc/rehearsal/admin-token',
        mode: 0o400,
        uid: 1000,
      },
    ],
    volumes: [],
    dependsOn: [],
    aliases: routes.map((r) => r.host),
    stopGraceSeconds: options.stopGraceSeconds,
  };
  return { proxy: { service: 'proxy', port, adminPort: ADMIN, routes }, service };
}

/** The proxy's own configuration file (inside the container), as JSON text. */
export function proxyConfig(proxy: ProxyPlan): string {
  return `${JSON.stringify(
    {
      listen: proxy.port,
      admin: ADMIN,
      routes: proxy.routes,
      tls: { cert: '/etc/rehearsal/tls/cert.pem', key: '/etc/rehearsal/tls/key.pem' },
      adminToken: '/etc/rehearsal/admin-token',
      discovery: { intervalMs: 500 },
    },
    null,
    2,
  )}\n`;
}
