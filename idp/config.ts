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
