import { IDP_ADMIN, IDP_LISTEN, type IdpConfig } from '../../idp/config.js';
import { BugError } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../plan/bind-files.js';
import { IDP_ADMIN_TOKEN_SECRET, IDP_FILES, IDP_SCIM_TOKEN_SECRET } from '../plan/idp.js';
import type { Plan } from '../plan/types.js';
import { writeStateFile } from './edge-files.js';

/** Lifetimes of the tokens the sandbox's IdP issues. */
export const IDP_TTL = { accessTokenSeconds: 600, idTokenSeconds: 3600 };

/** The IdP's configuration with its clients' secrets, as the container reads it. */
export function idpConfig(plan: Plan): IdpConfig | undefined {
  const idp = plan.idp;
  if (!idp) return undefined;
  return {
    issuer: idp.issuer,
    allowedOrigins: idp.allowedOrigins,
    clients: idp.clients.map((c) => {
      const clientSecret = plan.secrets[c.secretName];
      if (!clientSecret) throw new BugError(`the sandbox has no secret ${c.secretName}`);
      return { clientId: c.clientId, clientSecret, origin: c.origin, scopes: c.scopes };
    }),
    personas: idp.personas,
    listen: IDP_LISTEN,
    admin: IDP_ADMIN,
    ttl: IDP_TTL,
    ...(plan.secrets[IDP_SCIM_TOKEN_SECRET]
      ? { scimToken: plan.secrets[IDP_SCIM_TOKEN_SECRET] }
      : {}),
  };
}

/** Writes the IdP's configuration and admin token (both private: bind-files.ts) when the sandbox has an IdP. */
export async function writeIdpFiles(plan: Plan): Promise<void> {
  const config = idpConfig(plan);
  if (!config) return;
  await writeStateFile(
    plan.stateDir,
    IDP_FILES.config,
    `${JSON.stringify(config, null, 2)}\n`,
    PRIVATE_FILE_MODE,
  );
  await writeStateFile(
    plan.stateDir,
    IDP_FILES.adminToken,
    plan.secrets[IDP_ADMIN_TOKEN_SECRET] ?? '',
    PRIVATE_FILE_MODE,
  );
}
