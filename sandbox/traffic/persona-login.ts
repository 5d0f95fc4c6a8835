import { IDP_HOST } from '../plan/idp.js';
import type { Plan } from '../plan/types.js';
import type { EdgeTarget } from './edge-client.js';
import { personaToken, type PersonaToken } from './persona-token.js';

/**
 * How the traffic logs `persona` in for `service`: at the sandbox's IdP, as the client the sandbox
 * registered for the task. Undefined when the task has no client there (it does not use SSO).
 */
export function personaLogin(
  plan: Plan,
  service: string,
  target: EdgeTarget,
  persona: string,
): (() => Promise<PersonaToken>) | undefined {
  const client = plan.idp?.clients.find((c) => c.clientId === service);
  const clientSecret = client ? plan.secrets[client.secretName] : undefined;
  if (!plan.idp || !client || !clientSecret) return undefined;
  const { issuer } = plan.idp;
  return () =>
    personaToken({
      idp: { ...target, host: IDP_HOST },
      issuer,
      clientId: client.clientId,
      clientSecret,
      origin: client.origin,
      persona,
    });
}
