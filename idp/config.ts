import { readFile } from 'node:fs/promises';
import type { Persona } from './personas.js';

/** A relying party the sandbox registered for one of its tasks. */
export interface IdpClient {
  clientId: string;
  clientSecret: string;
  /** The task's own origin, `https://<task>.rehearsal.localhost:<port>`. */
  origin: string;
  scopes: string[];
}

/**
 * The identity provider's configuration file (`/etc/rehearsal/idp.json`), written by `up`.
 * The database URL and the admin token arrive in the environment instead.
 */
export interface IdpConfig {
  issuer: string;
  /** Every redirect and post-logout URI must be on one of these origins. */
  allowedOrigins: string[];
  clients: IdpClient[];
  personas: Persona[];
  /** Port of the OIDC endpoints (behind the edge) and of the token-protected admin channel. */
  listen: number;
  admin: number;
  ttl: { accessTokenSeconds: number; idTokenSeconds: number };
  /** Bearer token of the provider's SCIM directory at `/scim/v2`. */
  scimToken?: string;
}

export const IDP_LISTEN = 9000;
export const IDP_ADMIN = 9001;

/** Reads and minimally checks the configuration; throws with the reason. */
export async function loadIdpConfig(path: string): Promise<IdpConfig> {
  const config = JSON.parse(await readFile(path, 'utf8')) as IdpConfig;
  if (typeof config.issuer !== 'string' || !config.issuer.startsWith('https://'))
    throw new Error(`${path}: "issuer" must be an https URL`);
  if (!Array.isArray(config.clients) || !Array.isArray(config.personas))
    throw new Error(`${path}: "clients" and "personas" must be lists`);
  return config;
}

/** Token lifetimes when the environment configures the provider. */
const DEFAULT_TTL = { accessTokenSeconds: 3600, idTokenSeconds: 3600 };

/**
 * The provider configured by its environment alone, as a Marketplace task is: the issuer (its
 * own origin behind the load balancer, `REHEARSAL_IDP_ISSUER`), no registered clients and no
 * personas until a sandbox writes a configuration file. Throws with the reason.
 */
export function idpConfigFromEnv(env: NodeJS.ProcessEnv): IdpConfig {
  const issuer = (env.REHEARSAL_IDP_ISSUER ?? '').trim().replace(/\/+$/, '');
  if (!issuer.startsWith('https://'))
    throw new Error('REHEARSAL_IDP_ISSUER must be the https origin the provider is reached at');
  return {
    issuer,
    allowedOrigins: [],
    clients: [],
    personas: [],
    listen: Number(env.PORT ?? IDP_LISTEN),
    admin: IDP_ADMIN,
    ttl: DEFAULT_TTL,
  };
}
