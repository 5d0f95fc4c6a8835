import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { runScimSuite } from '../../../idp/scim/suite.js';
import type { LoadedDeclaration } from '../../declaration/types.js';
import type { Engine } from '../../engine/engine.js';
import { EDGE_FILES } from '../../plan/edge.js';
import type { Plan } from '../../plan/types.js';
import { listReplicas } from '../../sandbox/replicas.js';
import { loopback } from '../../traffic/edge-client.js';
import type { ScimFacts, SsoFacts } from './types.js';

/** The page the SSO check opens when rehearsal.yaml names none (`login: { path }`). */
export const DEFAULT_LOGIN_PATH = '/login';
const MAX_HOPS = 12;

interface Hop {
  status: number;
  location?: string;
  cookies: string[];
}

/** One GET through the sandbox's TLS edge (127.0.0.1 only), trusting the sandbox CA alone. */
function edgeGet(url: URL, port: number, ca: string, cookie: string): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port,
        servername: url.hostname,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        ca,
        agent: false,
        lookup: loopback,
        headers: {
          host: url.host,
          accept: 'text/html,application/json',
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          const set = res.headers['set-cookie'] ?? [];
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            cookies: set.map((c) => c.split(';')[0] ?? '').filter(Boolean),
          });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('no answer within 10 s'), { code: 'TIMEOUT' })),
      10_000,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** A URL for the evidence: scheme, host and path, and query parameter names without values. */
function shown(u: URL): string {
  const names = [...new Set(u.searchParams.keys())];
  return `${u.origin}${u.pathname}${names.length ? `?${names.join('&')}` : ''}`;
}

/**
 * A headless OpenID Connect login through the edge, as a browser would make it: open the task's
 * login page, expect a redirect to the sandbox IdP's authorization endpoint with the task's
 * client id and PKCE, pick a persona with `login_hint`, follow the IdP back to the task, then
 * open the page again with the cookies set on the way: it must answer without sending the user
 * back to the IdP. Codes, cookies and tokens are never recorded, only names and statuses.
 */
export async function ssoLogin(
  plan: Plan,
  service: string,
  loginPath: string,
): Promise<Omit<SsoFacts, 'service'>> {
  const idp = plan.idp;
  const client = idp?.clients.find((c) => c.clientId === service);
  const steps: string[] = [];
  const result = (ok: boolean, why?: string) => ({
    client: client?.clientId ?? service,
    loginPath,
    ok,
    steps,
    ...(why ? { why } : {}),
  });
  if (!idp || !client || !plan.proxy)
    return result(false, 'the sandbox registered no client for it');
  const persona = idp.personas[0]?.id;
  if (!persona) return result(false, 'the sandbox has no persona to log in as');
  const ca = readFileSync(join(plan.stateDir, EDGE_FILES.root), 'utf8');
  const jar = new Map<string, Map<string, string>>();
  const cookieFor = (u: URL) =>
    [...(jar.get(u.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (u: URL, cookies: string[]) => {
    const m = jar.get(u.host) ?? new Map<string, string>();
    for (const c of cookies) {
      const eq = c.indexOf('=');
      if (eq > 0) m.set(c.slice(0, eq), c.slice(eq + 1));
    }
    jar.set(u.host, m);
  };
  const issuer = new URL(idp.issuer);
  const start = new URL(loginPath, client.origin);
  try {
    let url = start;
    let sawIdp = false;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (url.origin !== issuer.origin && url.origin !== start.origin)
        return result(false, `a redirect left the sandbox: ${shown(url)}`);
      const atIdp = url.origin === issuer.origin;
      if (atIdp && !sawIdp) {
        sawIdp = true;
        const p = url.searchParams;
        const problems = [
          p.get('client_id') !== client.clientId
            ? `client_id ${p.get('client_id') ?? '(none)'} instead of ${client.clientId}`
            : '',
          p.get('code_challenge_method') !== 'S256' ? 'no PKCE (code_challenge_method S256)' : '',
          !(p.get('redirect_uri') ?? '').startsWith(client.origin)
            ? `redirect_uri outside ${client.origin}`
            : '',
        ].filter(Boolean);
        if (problems.length)
          return result(
            false,
            `the authorization request is not the sandbox client's: ${problems.join(', ')}`,
          );
        url.searchParams.set('login_hint', persona);
      }
      const r = await edgeGet(url, plan.proxy.port, ca, cookieFor(url));
      keep(url, r.cookies);
      steps.push(
        `GET ${shown(url)} → ${r.status}${r.location ? ` → ${shown(new URL(r.location, url))}` : ''}`,
      );
      if (r.status >= 300 && r.status < 400 && r.location) {
        url = new URL(r.location, url);
        continue;
      }
      if (!sawIdp)
        return result(
          false,
          `${shown(start)} answered ${r.status} without sending the user to the sandbox's identity provider`,
        );
      if (atIdp)
        return result(
          false,
          `the identity provider answered ${r.status} instead of redirecting back`,
        );
      if (r.status >= 400) return result(false, `back at the service: ${r.status}`);
      // Logged in: the login page again, with the cookies, must not go back to the IdP.
      const again = await edgeGet(start, plan.proxy.port, ca, cookieFor(start));
      steps.push(`GET ${shown(start)} again with the session → ${again.status}`);
      const back =
        again.location !== undefined && new URL(again.location, start).origin === issuer.origin;
      if (back || again.status >= 400)
        return result(
          false,
          'the session the login set was not honoured: the page asked for a login again',
        );
      return { ...result(true), persona };
    }
    return result(false, `more than ${MAX_HOPS} redirects`);
  } catch (err) {
    return result(false, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
}

/** The SCIM conformance suite against one replica of the task (its port on 127.0.0.1). */
export async function scimSuite(
  plan: Plan,
  engine: Engine,
  service: string,
): Promise<Omit<ScimFacts, 'service'>> {
  const scim = plan.scim?.find((s) => s.task === service);
  const s = plan.services.find((x) => x.name === service);
  const port = s?.probe?.port;
  if (!scim || port === undefined)
    return { path: scim?.path ?? '', results: [], error: 'no SCIM endpoint' };
  const replica = (await listReplicas(engine, plan.sandboxId, service)).find(
    (r) => r.state === 'running' && r.published[port],
  );
  if (!replica) return { path: scim.path, results: [], error: 'no replica running' };
  try {
    const results = await runScimSuite({
      baseUrl: `http://127.0.0.1:${replica.published[port]}${scim.path}`,
      token: plan.secrets[scim.tokenName] ?? '',
      dialect: 'standard',
    });
    return {
      path: scim.path,
      results: results.map((r) => ({
        id: r.id,
        title: r.title,
        status: r.status,
        detail: r.detail,
      })),
    };
  } catch (err) {
    return { path: scim.path, results: [], error: (err as Error).message };
  }
}

/**
 * SSO and SCIM facts of every web task that declares them: a login page and a SCIM endpoint are
 * HTTP (a worker may hold a client of the IdP, for client credentials, but shows no page).
 */
export async function identityFacts(
  plan: Plan,
  engine: Engine,
  loaded: LoadedDeclaration,
): Promise<{ sso: SsoFacts[]; scim: ScimFacts[] }> {
  const tasks = plan.services.filter((s) => s.role === 'task' && s.probe);
  const sso: SsoFacts[] = [];
  const scim: ScimFacts[] = [];
  for (const t of tasks) {
    if (plan.idp?.clients.some((c) => c.clientId === t.name)) {
      const path = loaded.taskOverlays[t.name]?.loginPath ?? DEFAULT_LOGIN_PATH;
      sso.push({ service: t.name, ...(await ssoLogin(plan, t.name, path)) });
    }
    if (plan.scim?.some((s) => s.task === t.name))
      scim.push({ service: t.name, ...(await scimSuite(plan, engine, t.name)) });
  }
  return { sso, scim };
}
