import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import { EdgeClient, type EdgeReply, type EdgeTarget } from './edge-client.js';

/** What a persona's login needs: the IdP behind the edge and the task's registered client. */
export interface PersonaLogin {
  /** The IdP's host on the edge (same port and CA as the task's). */
  idp: EdgeTarget;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The task's origin: the redirect target and the access token's audience. */
  origin: string;
  persona: string;
}

export interface PersonaToken {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const b64 = (b: Buffer) => b.toString('base64url');
const TIMEOUT_MS = 8000;

/**
 * A persona login that did not end with a token: what the IdP did, and where to look. The
 * traffic generator records it as a failed `persona:login`; it is the user's declaration or the
 * sandbox's IdP that is wrong, not Rehearsal.
 */
function loginFailed(what: string): UserError {
  return new UserError(`the persona's login at the sandbox's IdP failed: ${what}`, {
    hint: "Check that traffic.persona in rehearsal.yaml names one of the IdP's personas and that the task declares sso: true; `rehearsal logs idp` shows what the IdP saw.",
  });
}

/**
 * Logs a persona in at the sandbox's IdP without a browser: authorization code with PKCE and
 * `login_hint` (the IdP skips its login page for a known persona and grants consent for the
 * sandbox's own clients), following the IdP's redirects with its cookies until it sends the code
 * to the task's origin, then exchanging the code for a JWT access token whose audience is the
 * task (a resource indicator). Every request goes to the edge on 127.0.0.1.
 */
export async function personaToken(login: PersonaLogin): Promise<PersonaToken> {
  const client = new EdgeClient(login.idp, 2);
  try {
    const meta = await json<{ authorization_endpoint: string; token_endpoint: string }>(
      await client.send('GET', `${pathOf(login.issuer)}/.well-known/openid-configuration`, {
        timeoutMs: TIMEOUT_MS,
      }),
      'discovery',
    );
    const verifier = b64(randomBytes(32));
    const state = b64(randomBytes(16));
    const redirectUri = `${login.origin}/callback`;
    const auth = new URL(meta.authorization_endpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: login.clientId,
      redirect_uri: redirectUri,
      scope: 'openid api',
      state,
      nonce: b64(randomBytes(16)),
      code_challenge: b64(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
      login_hint: login.persona,
      resource: login.origin,
    }))
      auth.searchParams.set(k, v);
    const back = await followToRedirect(client, auth, redirectUri);
    if (back.searchParams.get('state') !== state)
      throw loginFailed('the IdP answered with another state');
    const code = back.searchParams.get('code');
    if (!code)
      throw loginFailed(`the IdP refused it: ${back.searchParams.get('error') ?? 'no code'}`);
    const basic = Buffer.from(
      `${encodeURIComponent(login.clientId)}:${encodeURIComponent(login.clientSecret)}`,
    ).toString('base64');
    const tokens = await json<{ access_token?: string; expires_in?: number }>(
      await client.send('POST', pathOf(meta.token_endpoint), {
        raw: Buffer.from(
          new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: redirectUri,
            code_verifier: verifier,
            resource: login.origin,
          }).toString(),
        ),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${basic}`,
        },
        timeoutMs: TIMEOUT_MS,
      }),
      'the token endpoint',
    );
    if (!tokens.access_token) throw loginFailed('the token endpoint gave no access token');
    return {
      accessToken: tokens.access_token,
      expiresAt: Date.now() + (tokens.expires_in ?? 60) * 1000,
    };
  } finally {
    client.close();
  }
}

/** Follows the IdP's redirects on its own host, keeping its cookies, until one leaves for `back`. */
async function followToRedirect(client: EdgeClient, start: URL, back: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 12; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await client.send('GET', url.pathname + url.search, {
      headers: cookie ? { cookie } : {},
      timeoutMs: TIMEOUT_MS,
    });
    for (const c of r.headers['set-cookie'] ?? []) {
      const pair = c.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = r.headers.location;
    if (!location)
      throw loginFailed(`the IdP did not redirect from ${url.pathname} (HTTP ${r.status})`);
    const next = new URL(location, url);
    if (next.href.startsWith(back)) return next;
    if (next.host !== start.host) throw loginFailed(`the IdP redirected away, to ${next.origin}`);
    url = next;
  }
  throw loginFailed('the IdP redirected too many times');
}

async function json<T>(r: EdgeReply, what: string): Promise<T> {
  if (r.status !== 200)
    throw loginFailed(`${what} answered HTTP ${r.status}: ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body) as T;
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname.replace(/\/$/, '')}${u.search}`;
}
