// OpenID Connect flows driven by openid-client (a certified relying party), the same code on the
// host (through a fetch that reaches 127.0.0.1 and trusts the sandbox CA) and inside a container
// (bundled and piped into `node`, with the container's own fetch and DNS).
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as client from 'openid-client';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface FlowInput {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the IdP sends the code: any path on the task's origin. */
  redirectUri: string;
  /** The task's origin: the audience of its JWT access tokens. */
  resource: string;
  persona: string;
}

export interface FlowResult {
  issuer: string;
  idTokenIssuer: string;
  sub: string;
  email: string | undefined;
  refreshed: boolean;
  introspected: { active: boolean; sub?: string | undefined };
  clientCredentials: { clientId: unknown; aud: unknown };
  revokedRefreshRejected: boolean;
  apiToken: string;
}

/** Follows the IdP's redirects (keeping its cookies) until it sends the browser back to us. */
export async function followToCallback(
  start: string,
  back: string,
  fetchImpl: Fetch,
): Promise<URL> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(back)) return new URL(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetchImpl(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (!location)
      throw new Error(`no redirect from ${new URL(url).pathname} (HTTP ${res.status})`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

/** Discovery, code + PKCE with login_hint, userinfo, refresh, introspection, client credentials, revocation. */
export async function runFlows(input: FlowInput, fetchImpl: Fetch): Promise<FlowResult> {
  const config = await client.discovery(
    new URL(input.issuer),
    input.clientId,
    input.clientSecret,
    undefined,
    { [client.customFetch]: fetchImpl as never },
  );
  config[client.customFetch] = fetchImpl as never;
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const auth = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: 'openid profile email groups offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    login_hint: input.persona,
  });
  const callback = await followToCallback(auth.href, input.redirectUri, fetchImpl);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  const claims = tokens.claims()!;
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  const introspected = await client.tokenIntrospection(config, refreshed.access_token);
  const cc = await client.clientCredentialsGrant(config, {
    resource: input.resource,
    scope: 'api',
  });
  // A JWT access token for a resource server is checked against the JWKS, as the server would.
  const jwks = createLocalJWKSet(
    (await (await fetchImpl(config.serverMetadata().jwks_uri!)).json()) as JSONWebKeySet,
  );
  const { payload: ccClaims } = await jwtVerify(cc.access_token, jwks, {
    issuer: input.issuer,
    audience: input.resource,
  });
  await client.tokenRevocation(config, refreshed.refresh_token!);
  const revokedRefreshRejected = await client
    .refreshTokenGrant(config, refreshed.refresh_token!)
    .then(
      () => false,
      (e: { error?: string }) => e.error === 'invalid_grant',
    );
  return {
    issuer: config.serverMetadata().issuer,
    idTokenIssuer: claims.iss,
    sub: claims.sub,
    email: info.email,
    refreshed: refreshed.access_token !== tokens.access_token,
    introspected: { active: introspected.active, sub: introspected.sub },
    clientCredentials: { clientId: ccClaims['client_id'], aud: ccClaims.aud },
    revokedRefreshRejected,
    apiToken: cc.access_token,
  };
}

/** A SMART app's code + PKCE launch: where it starts, who logs in, what it asks for. */
export interface SmartLaunchInput {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The task's origin (the access token's audience). */
  resource: string;
  scope: string;
  persona: string;
  /** Further authorization parameters (`launch` for an EHR launch). */
  extra?: Record<string, string>;
}

/** Code + PKCE as a SMART app does it, with `login_hint`: the raw token response and its status. */
export async function smartLaunch(
  i: SmartLaunchInput,
  fetchImpl: Fetch,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const verifier = client.randomPKCECodeVerifier();
  const auth = new URL(`${i.issuer}/auth`);
  const params = {
    client_id: i.clientId,
    response_type: 'code',
    redirect_uri: i.redirectUri,
    scope: i.scope,
    state: client.randomState(),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    resource: i.resource,
    aud: `${i.resource}/fhir`,
    login_hint: i.persona,
    ...i.extra,
  };
  for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
  const callback = await followToCallback(auth.href, i.redirectUri, fetchImpl);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  const res = await fetchImpl(`${i.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${i.clientId}:${i.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: i.redirectUri,
      code_verifier: verifier,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
