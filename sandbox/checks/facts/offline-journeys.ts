/**
 * The task's journeys sent to its offline replica: the same spec `chaos` and the check's traffic
 * phase send (sandbox/traffic/task-traffic.ts), one pass, from inside the internal network
 * (Docker publishes no port there). A write's read-back follows it with the acknowledged id.
 * Sessions, the persona and WebSockets go only through the edge, which the offline replica is
 * not behind.
 */
import type { Plan } from '../../plan/types.js';
import type { Canaries } from '../../traffic/canary.js';
import { fillText, prepare, type TrafficSpec } from '../../traffic/journeys.js';

/** One request as the in-network sender gets it. */
export interface OfflineRequest {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Base64. */
  body?: string;
  expect: number[];
  /** A write's read-back: `{id}` in its path stands for the id at `id` in the answer. */
  read?: {
    id: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    expect: number[];
  };
}

/** What one request of the pass got: its status (or the connection error) and whether expected. */
export interface OfflineJourney {
  name: string;
  status: string;
  ok: boolean;
}

/** At most this many journeys per pass: the sender runs inside the collector's 128 MiB. */
const MAX_JOURNEYS = 12;

/** One pass of the spec's journeys, placeholders filled as the traffic generator fills them. */
export function offlineRequests(
  spec: TrafficSpec,
  run: string,
  canaries: Canaries,
): OfflineRequest[] {
  return spec.journeys.slice(0, MAX_JOURNEYS).map((j, i) => {
    const fill = { run, seq: i + 1, canaries };
    const key = j.write ? fillText(j.write.key, fill) : undefined;
    const filled = { ...fill, ...(key !== undefined ? { key } : {}) };
    const r = prepare(j, filled);
    const read = j.write ? prepare(j.write.read, filled) : undefined;
    return {
      name: j.name,
      method: r.method,
      path: r.path,
      headers: r.headers,
      ...(r.body ? { body: r.body.toString('base64') } : {}),
      expect: j.expect,
      ...(read && j.write
        ? {
            read: {
              id: j.write.id,
              method: read.method,
              path: read.path, // `{id}` stays: the fill has no id yet
              headers: read.headers,
              expect: j.write.read.expect,
            },
          }
        : {}),
    };
  });
}

/**
 * The sender, for `node -e` inside the collector: argv is the replica's base URL, the Host the
 * edge would send, and the requests as JSON. One JSON line per request answered or failed.
 */
export const OFFLINE_SENDER = `
const http = require('node:http');
const [base, host, json] = process.argv.slice(1);
const send = (r) => new Promise((done) => {
  // With its length, as the edge forwards it: a server that reads no chunked body (Python's
  // http.server) would take the chunks for the next request.
  const body = r.body ? Buffer.from(r.body, 'base64') : undefined;
  const q = http.request(new URL(r.path, base), {
    method: r.method,
    headers: { ...r.headers, host, 'x-forwarded-proto': 'https', 'x-forwarded-host': host,
      ...(body ? { 'content-length': String(body.length) } : {}) },
    timeout: 3000,
  }, (a) => {
    let body = '';
    a.setEncoding('utf8');
    a.on('data', (d) => { if (body.length < 65536) body += d; });
    a.on('end', () => done({ status: a.statusCode, body }));
  });
  q.on('timeout', () => q.destroy(new Error('no answer within 3 s')));
  q.on('error', (e) => done({ error: e.code || e.message }));
  q.end(body);
});
const at = (doc, p) => p.split('/').slice(1).reduce((x, t) => x == null ? undefined : x[t.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
const say = (name, a, expect) => console.log(JSON.stringify({ name, status: String(a.status ?? a.error), ok: expect.includes(a.status) }));
(async () => {
  for (const r of JSON.parse(json)) {
    const a = await send(r);
    say(r.name, a, r.expect);
    if (!r.read || !r.expect.includes(a.status)) continue;
    let id;
    try { id = at(JSON.parse(a.body), r.read.id); } catch { id = undefined; }
    if (id === undefined || id === null) continue;
    const read = { ...r.read, path: r.read.path.split('{id}').join(encodeURIComponent(String(id))) };
    say(r.name + ':read', await send(read), read.expect);
  }
})();
`;

/**
 * Whether an offline answer says the replica could not serve without a route out: no answer at
 * all, or a server error. A 4xx (a read-back of a write not yet committed, say) is not about the
 * network, and a journey that never succeeded online is not offline's failure.
 */
export function failedOffline(j: OfflineJourney, answeredOnline: readonly string[]): boolean {
  if (j.ok || !answeredOnline.includes(j.name)) return false;
  return !/^\d+$/.test(j.status) || Number(j.status) >= 500;
}

/** The Host the edge sends for `service` (`<task>.rehearsal.localhost:<port>`), if it has a route. */
export function edgeHost(plan: Plan, service: string): string | undefined {
  const route = plan.proxy?.routes.find((r) => r.service === service);
  return plan.proxy && route ? `${route.host}:${plan.proxy.port}` : undefined;
}

/**
 * Sends `requests` to the replica at `url` with `exec` (a command inside the sandbox's network);
 * a sender that could not run leaves no results, and the replica's health already said why.
 */
export async function sendOfflineJourneys(
  exec: (command: string[]) => Promise<{ output: string[] }>,
  url: string,
  host: string,
  requests: OfflineRequest[],
): Promise<OfflineJourney[]> {
  if (requests.length === 0) return [];
  try {
    const sent = await exec(['node', '-e', OFFLINE_SENDER, url, host, JSON.stringify(requests)]);
    return parseOfflineJourneys(sent.output);
  } catch (err) {
    // Evidence only: a journey that never ran offline was not answered online under this name.
    return [{ name: 'the journeys', status: `not sent: ${(err as Error).message}`, ok: false }];
  }
}

/** The sender's output lines as results; lines that are not its JSON are left out. */
export function parseOfflineJourneys(lines: string[]): OfflineJourney[] {
  const out: OfflineJourney[] = [];
  for (const line of lines) {
    try {
      const j = JSON.parse(line) as Partial<OfflineJourney>;
      if (typeof j.name === 'string' && typeof j.status === 'string' && typeof j.ok === 'boolean')
        out.push({ name: j.name, status: j.status, ok: j.ok });
    } catch {
      continue; // not one of the sender's lines (a warning of node's, say)
    }
  }
  return out;
}
