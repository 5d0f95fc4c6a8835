// OpenID Connect login (authorization code + PKCE) and bearer-token checks. On
// only when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. Nothing
// is kept between requests: the login's state travels in a signed cookie and
// the session is the ID token itself, so every replica honours a login any
// replica completed. Tokens are checked against the issuer's JWKS, refetched
// when a token names a key the service has not seen (the IdP rotated keys).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { HttpError } from './http.mjs';

const LOGIN_COOKIE = 'rs_login';
const SESSION_COOKIE = 'rs_session';
const JWKS_MAX_AGE_MS = 5 * 60_000;
const JWKS_MIN_INTERVAL_MS = 1000;

/** @returns {{ issuer: string, clientId: string, clientSecret: string, scopes: string } | undefined} */
export function readOidcConfig(env) {
  const issuer = (env.OIDC_ISSUER ?? '').trim().replace(/\/+$/, '');
  const clientId = (env.OIDC_CLIENT_ID ?? '').trim();
  const clientSecret = (env.OIDC_CLIENT_SECRET ?? '').trim();
  if (!issuer || !clientId || !clientSecret) return undefined;
  return {
    issuer,
    clientId,
    clientSecret,
    scopes: (env.OIDC_SCOPES ?? '').trim() || 'openid profile email groups',
  };
}

const b64 = (buf) => Buffer.from(buf).toString('base64url');

function parseCookies(header = '') {
  const out = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function cookie(name, value, { path = '/', maxAge }) {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;
}

/** The origin the client used, from the edge's X-Forwarded-* headers. */
function originOf(req) {
  const proto = String(req.headers['x-forwarded-proto'] ?? 'http')
    .split(',')[0]
    .trim();
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '')
    .split(',')[0]
    .trim();
  return `${proto}://${host}`;
}

/** A JWKS that refetches on an unknown key id, at most once a second, never failing a waiter early. */
function jwksCache(jwksUri, fetchImpl) {
  let keys;
  let fetchedAt = 0;
  let pending;
  const refresh = () => {
    pending ??= (async () => {
      const wait = fetchedAt + JWKS_MIN_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const res = await fetchImpl(await jwksUri());
      if (!res.ok) throw new HttpError(503, 'transient', 'the identity provider is unavailable');
      keys = createLocalJWKSet(await res.json());
      fetchedAt = Date.now();
    })().finally(() => (pending = undefined));
    return pending;
  };
  return async (header, token) => {
    if (!keys || Date.now() - fetchedAt > JWKS_MAX_AGE_MS) await refresh();
    try {
      return await keys(header, token);
    } catch (err) {
      if (err?.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      await refresh();
      return keys(header, token);
    }
  };
}

/**
 * @param {{ issuer: string, clientId: string, clientSecret: string, scopes: string }} config
 * @returns {{ routes: { pattern: RegExp, methods: Record<string, Function> }[] }}
 */
export function createOidc(config, fetchImpl = fetch) {
  let metadata;
  const discover = () => {
    metadata ??= fetchImpl(`${config.issuer}/.well-known/openid-configuration`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`discovery answered ${res.status}`);
        const m = await res.json();
        if (m.issuer !== config.issuer)
          throw new Error('the discovery document names another issuer');
        return m;
      })
      .catch((err) => {
        metadata = undefined;
        throw new HttpError(
          503,
          'transient',
          `the identity provider is unavailable (${err.message})`,
        );
      });
    return metadata;
  };
  const keys = jwksCache(async () => (await discover()).jwks_uri, fetchImpl);
  const sign = (text) => createHmac('sha256', config.clientSecret).update(text).digest('base64url');

  async function verify(token, audience) {
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: config.issuer, audience });
      return payload;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(401, 'login', `the token is not valid (${err.code ?? 'invalid'})`, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
  }

  /** The caller: a bearer access token for this origin, else the session's ID token. */
  async function caller(req) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) return { via: 'bearer', claims: await verify(bearer, originOf(req)) };
    const session = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (session) return { via: 'session', claims: await verify(session, config.clientId) };
    return undefined;
  }

  async function login(req, url) {
    const m = await discover();
    const state = b64(randomBytes(16));
    const nonce = b64(randomBytes(16));
    const verifier = b64(randomBytes(32));
    const back = url.searchParams.get('return') ?? '/me';
    const returnTo = /^\/(?![/\\])/.test(back) ? back : '/me';
    const payload = b64(JSON.stringify({ state, nonce, verifier, returnTo }));
    const target = new URL(m.authorization_endpoint);
    const params = {
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: `${originOf(req)}/callback`,
      scope: config.scopes,
      state,
      nonce,
      code_challenge: b64(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    };
    const hint = url.searchParams.get('login_hint');
    if (hint) params.login_hint = hint;
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    return {
      status: 302,
      headers: {
        Location: target.href,
        'Set-Cookie': cookie(LOGIN_COOKIE, `${payload}.${sign(payload)}`, {
          path: '/callback',
          maxAge: 600,
        }),
        'Cache-Control': 'no-store',
      },
    };
  }

  async function callback(req, url) {
    const [payload, mac] = (parseCookies(req.headers.cookie)[LOGIN_COOKIE] ?? '').split('.');
    const expected = payload ? sign(payload) : '';
    if (
      !payload ||
      !mac ||
      mac.length !== expected.length ||
      !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
    )
      throw new HttpError(400, 'login', 'no login in progress: start at /login');
    const login = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (url.searchParams.get('state') !== login.state)
      throw new HttpError(400, 'login', 'the state does not match');
    if (url.searchParams.get('error'))
      throw new HttpError(
        401,
        'login',
        `the identity provider refused: ${url.searchParams.get('error')}`,
      );
    const m = await discover();
    const iss = url.searchParams.get('iss');
    if (iss !== null && iss !== m.issuer)
      throw new HttpError(400, 'login', 'the response comes from another issuer');
    const res = await fetchImpl(m.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: url.searchParams.get('code') ?? '',
        redirect_uri: `${originOf(req)}/callback`,
        code_verifier: login.verifier,
      }),
    });
    const tokens = await res.json().catch(() => ({}));
    if (!res.ok || typeof tokens.id_token !== 'string')
      throw new HttpError(
        401,
        'login',
        `the token endpoint refused the code (${tokens.error ?? res.status})`,
      );
    const claims = await verify(tokens.id_token, config.clientId);
    if (claims.nonce !== login.nonce)
      throw new HttpError(401, 'login', 'the ID token is for another login');
    const maxAge = Math.max(0, (claims.exp ?? 0) - Math.floor(Date.now() / 1000));
    return {
      status: 303,
      headers: {
        Location: login.returnTo,
        'Set-Cookie': [
          cookie(SESSION_COOKIE, tokens.id_token, { maxAge }),
          cookie(LOGIN_COOKIE, '', { path: '/callback', maxAge: 0 }),
        ],
        'Cache-Control': 'no-store',
      },
    };
  }

  async function me(req) {
    const who = await caller(req);
    if (!who) {
      if (/text\/html/.test(req.headers.accept ?? ''))
        return {
          status: 302,
          headers: { Location: '/login?return=/me', 'Cache-Control': 'no-store' },
        };
      throw new HttpError(401, 'login', 'sign in at /login, or send a bearer token', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const { sub, name, email, groups, scope, client_id: clientId } = who.claims;
    return {
      status: 200,
      body: { sub, name, email, groups, scope, clientId, via: who.via },
      headers: { 'Cache-Control': 'no-store' },
    };
  }

  async function logout(req) {
    const m = await discover();
    const session = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const target = new URL(m.end_session_endpoint);
    target.searchParams.set('client_id', config.clientId);
    target.searchParams.set('post_logout_redirect_uri', `${originOf(req)}/`);
    if (session) target.searchParams.set('id_token_hint', session);
    return {
      status: 302,
      headers: { Location: target.href, 'Set-Cookie': cookie(SESSION_COOKIE, '', { maxAge: 0 }) },
    };
  }

  return {
    routes: [
      { pattern: /^\/login$/, methods: { GET: login } },
      { pattern: /^\/callback$/, methods: { GET: callback } },
      { pattern: /^\/logout$/, methods: { GET: logout } },
      { pattern: /^\/me$/, methods: { GET: me } },
    ],
  };
}
