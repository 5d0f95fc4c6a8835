import { createHash } from 'node:crypto';
import Provider, {
  errors,
  type AccountClaims,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type pg from 'pg';
import { postgresAdapter } from './adapter.js';
import type { IdpConfig } from './config.js';
import type { StoredKey } from './keys.js';
import { logoutPage, loggedOutPage, errorPage } from './pages.js';
import type { Persona } from './personas.js';
import {
  FHIR_SCOPES,
  FHIR_USER_SCOPE,
  LAUNCH_SCOPES,
  smartLaunchContext,
  type LaunchStore,
  type LaunchValue,
} from './smart.js';

/** Launch values by code, in the provider's database (or in memory without one), for a minute. */
function launchStore(pool: pg.Pool | undefined): LaunchStore {
  if (!pool) {
    const map = new Map<string, LaunchValue>();
    return {
      save: async (code, v) => void map.set(code, v),
      take: async (code) => {
        const v = map.get(code);
        map.delete(code);
        return v;
      },
    };
  }
  const store = new (postgresAdapter(pool))('SmartLaunch');
  return {
    save: (code, v) => store.upsert(code, { ...v }, 60),
    take: async (code) => {
      const v = (await store.find(code)) as LaunchValue | undefined;
      if (v) await store.destroy(code);
      return v;
    },
  };
}

/** Scope a JWT access token for a sandbox task carries (besides the OpenID scopes). */
export const API_SCOPE = 'api';

/** The claims of a persona, by scope. */
const CLAIMS = {
  openid: ['sub'],
  // SMART App Launch: the user's FHIR resource (Practitioner/…, Patient/…).
  fhirUser: ['fhirUser'],
  profile: ['name', 'given_name', 'family_name', 'locale', 'role'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

function claimsOf(p: Persona): Record<string, unknown> & { sub: string } {
  return {
    ...p.claims,
    sub: p.id,
    name: p.name,
    email: p.email,
    email_verified: true,
    groups: p.groups,
  };
}

/** Is `uri` on one of the sandbox's own HTTPS origins? */
export function onSandboxOrigin(uri: string, origins: string[]): boolean {
  try {
    const u = new URL(uri);
    return (
      u.protocol === 'https:' &&
      origins.includes(u.origin) &&
      u.username === '' &&
      u.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * Cookie signing keys derived from the clients' secrets: the same in every IdP process of a
 * sandbox (so a restart keeps browser sessions) without another secret to distribute.
 */
function cookieKeys(config: IdpConfig): string[] {
  const seed = config.clients.map((c) => c.clientSecret).join('|') || config.issuer;
  return [createHash('sha256').update(`rehearsal-idp-cookies|${seed}`).digest('base64url')];
}

/**
 * The OpenID Connect provider for one sandbox: authorization code with PKCE, client credentials,
 * refresh tokens, userinfo, introspection, revocation and RP-initiated logout; JWT access tokens
 * for the sandbox's tasks (resource indicators); keys and every artifact in PostgreSQL.
 */
export function createProvider(
  config: IdpConfig,
  keys: StoredKey[],
  pool: pg.Pool | undefined,
): Provider {
  const personas = new Map(config.personas.map((p) => [p.id, p]));
  const configuration: Configuration = {
    // Without a pool (unit tests of pure flows), oidc-provider's own memory adapter.
    ...(pool ? { adapter: postgresAdapter(pool) } : {}),
    clients: config.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [`${c.origin}/callback`],
      post_logout_redirect_uris: [`${c.origin}/`],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      // The task's own scopes, and SMART App Launch's for a task that is a SMART app.
      scope: [...new Set([...c.scopes, FHIR_USER_SCOPE, ...LAUNCH_SCOPES, ...FHIR_SCOPES])].join(
        ' ',
      ),
    })),
    jwks: { keys: keys.map((k) => k.jwk) as never[] },
    cookies: { keys: cookieKeys(config) },
    claims: CLAIMS,
    scopes: [
      'openid',
      'offline_access',
      'profile',
      'email',
      'groups',
      API_SCOPE,
      FHIR_USER_SCOPE,
      ...LAUNCH_SCOPES,
      // Listed as the API scope is: clients may be registered for them (client metadata `scope`).
      ...FHIR_SCOPES,
    ],
    // SMART App Launch: the EHR's `launch` value and the FHIR server the app means (`aud`).
    extraParams: ['launch', 'aud'],
    findAccount: (_ctx, id) => {
      const p = personas.get(id);
      if (!p) return undefined;
      return { accountId: id, claims: () => claimsOf(p) as AccountClaims };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Refresh tokens for any client allowed the grant, without the `offline_access` ceremony.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The ID token carries the persona's claims too: services read them without calling userinfo.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = loggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? undefined!,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (!onSandboxOrigin(resource, config.allowedOrigins))
            throw new errors.InvalidTarget(`${resource} is not a task of this sandbox`);
          return {
            scope: [API_SCOPE, ...LAUNCH_SCOPES, ...FHIR_SCOPES].join(' '),
            audience: resource,
            accessTokenTTL: config.ttl.accessTokenSeconds,
            accessTokenFormat: 'jwt',
          };
        },
      },
    },
    ttl: {
      AccessToken: config.ttl.accessTokenSeconds,
      ClientCredentials: config.ttl.accessTokenSeconds,
      IdToken: config.ttl.idTokenSeconds,
      AuthorizationCode: 60,
      Interaction: 10 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
      RefreshToken: 24 * 60 * 60,
    },
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
  };
  const provider = new Provider(config.issuer, configuration);
  // Behind the sandbox's TLS edge: trust its X-Forwarded-Proto/Host.
  provider.proxy = true;
  // Any path on the sandbox's own hostnames, never anywhere else (exact match would force every
  // vendor to declare their callback path).
  const client = provider.Client.prototype as {
    redirectUriAllowed(uri: string): boolean;
    postLogoutRedirectUriAllowed(uri: string): boolean;
  };
  client.redirectUriAllowed = (uri) => onSandboxOrigin(uri, config.allowedOrigins);
  client.postLogoutRedirectUriAllowed = (uri) => onSandboxOrigin(uri, config.allowedOrigins);
  smartLaunchContext(provider, launchStore(pool), (id) => {
    const v = personas.get(id)?.claims['fhirUser'];
    return typeof v === 'string' ? v : undefined;
  });
  return provider;
}
