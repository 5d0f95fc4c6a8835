/**
 * Requests straight to one replica under other host names and ports: a DNS-agnostic service
 * answers with the host it was asked for (or relative links), never a fixed one.
 */
import { httpRequest } from '../../net/http-request.js';
import type { ServicePlan } from '../../plan/types.js';
import type { Replica } from '../../sandbox/replicas.js';
import type { HostProbe } from './types.js';

const ABSOLUTE_URL = /https?:\/\/[^\s"'<>()\\]+/gi;

/** Absolute URLs in an answer: Location, Content-Location and Link headers, and the body. */
function absoluteUrls(
  headers: Record<string, string | string[] | undefined>,
  body: string,
): string[] {
  const found = new Set<string>();
  for (const h of ['location', 'content-location', 'link']) {
    const v = headers[h];
    for (const x of Array.isArray(v) ? v : v ? [v] : [])
      for (const m of x.match(ABSOLUTE_URL) ?? []) found.add(m);
  }
  for (const m of body.match(ABSOLUTE_URL) ?? []) found.add(m);
  // Namespaces and schema identifiers name a vocabulary, not a place to go.
  return [...found].filter(
    (u) =>
      !/^https?:\/\/(hl7\.org|www\.w3\.org|json-schema\.org|schemas\.xmlsoap\.org|purl\.org|loinc\.org|snomed\.info|unitsofmeasure\.org|terminology\.hl7\.org)\//i.test(
        u,
      ),
  );
}

/** Relative links of a page, for a short crawl (at most `max`). */
function relativeLinks(body: string, max: number): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(
    /(?:href|src|action)=["'](\/[^"'#?]*)|"(?:url|href|fullUrl)"\s*:\s*"(\/[^"#?]*)"/g,
  )) {
    const p = m[1] ?? m[2];
    if (p && !p.startsWith('//')) out.add(p);
    if (out.size >= max) break;
  }
  return [...out];
}

/** Requests straight to one replica under other host names and ports, with and without X-Forwarded-*. */
export async function hostProbes(r: Replica, s: ServicePlan): Promise<HostProbe[]> {
  const port = s.probe?.port ?? s.ports[0];
  const hostPort = port !== undefined ? r.published[port] : undefined;
  if (!hostPort) return [];
  const base = `http://127.0.0.1:${hostPort}`;
  const names: { host: string; headers: Record<string, string> }[] = [
    { host: 'alpha.rehearsal.test:8081', headers: {} },
    {
      host: 'omega.rehearsal.test:9443',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'omega.rehearsal.test:9443' },
    },
  ];
  const first = await httpRequest(`${base}/`, {
    timeoutMs: 5000,
    headers: { host: names[0]!.host },
  }).catch(() => undefined);
  const paths = [...new Set(['/', s.probe?.path ?? '/', ...relativeLinks(first?.body ?? '', 4)])];
  const probes: HostProbe[] = [];
  for (const p of paths) {
    for (const n of names) {
      const label = `GET ${p} with Host: ${n.host}${'x-forwarded-proto' in n.headers ? ' and X-Forwarded-Proto: https' : ''}`;
      try {
        const reply = await httpRequest(`${base}${p}`, {
          timeoutMs: 5000,
          headers: { host: n.host, ...n.headers },
        });
        probes.push({
          request: label,
          hostUsed: n.host,
          status: reply.status,
          urls: absoluteUrls(reply.headers, reply.body),
        });
      } catch (err) {
        probes.push({
          request: label,
          hostUsed: n.host,
          error: (err as NodeJS.ErrnoException).code ?? (err as Error).message,
          urls: [],
        });
      }
    }
  }
  return probes;
}
