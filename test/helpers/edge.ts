import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { loopback } from '../../sandbox/traffic/edge-client.js';

/** What a test needs to talk to a sandbox's TLS edge the way a browser would. */
export interface EdgeClient {
  root: string;
  agent: Agent;
  host: string;
  port: number;
}

/** An HTTPS client for `https://<task>.rehearsal.localhost:<port>` that trusts only the sandbox CA. */
export function edgeClient(
  stateDir: string,
  task: string,
  port = 8443,
  keepAlive = true,
): EdgeClient {
  const root = readFileSync(join(stateDir, 'ca/root.pem'), 'utf8');
  return {
    root,
    host: `${task}.rehearsal.localhost`,
    port,
    // Every name under .localhost is this machine: the test connects to 127.0.0.1 only.
    agent: new Agent({
      keepAlive,
      ca: root,
      maxSockets: 64,
      lookup: loopback,
    }),
  };
}

export interface EdgeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request through the edge; rejects on a network error, with its code. */
export function edgeRequest(
  c: EdgeClient,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  } = {},
): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: c.host,
        port: c.port,
        path,
        method: options.method ?? 'GET',
        agent: c.agent,
        servername: c.host,
        headers: {
          ...(options.body ? { 'content-type': 'application/fhir+json' } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A bounded steady load: `concurrency` loops of GET `path` until `durationMs` passes or `maxRequests`
 * are sent. Returns every outcome with its start time.
 */
export async function steadyLoad(
  c: EdgeClient,
  path: string,
  options: { concurrency: number; durationMs: number; maxRequests: number },
): Promise<{
  ok: number;
  failed: { at: number; error: string }[];
  replicas: Record<string, number>;
}> {
  const end = Date.now() + options.durationMs;
  let sent = 0;
  let ok = 0;
  const failed: { at: number; error: string }[] = [];
  const replicas: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < end && sent < options.maxRequests) {
        sent++;
        const at = Date.now();
        try {
          const r = await edgeRequest(c, path, { timeoutMs: 5000 });
          if (r.status === 200) {
            ok++;
            const replica = String(r.headers['x-replica']);
            replicas[replica] = (replicas[replica] ?? 0) + 1;
          } else failed.push({ at, error: `HTTP ${r.status}: ${r.body.slice(0, 80)}` });
        } catch (err) {
          failed.push({ at, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
        }
      }
    }),
  );
  return { ok, failed, replicas };
}
