import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { loginPage } from './pages.js';
import type { Persona } from './personas.js';

const MAX_FORM = 16 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_FORM) throw new Error('form too large');
  }
  return new URLSearchParams(text);
}

/**
 * The provider's interactions: login shows the persona list (or takes `login_hint` without a
 * page, for headless flows); consent is granted at once, since every client is the sandbox's own.
 */
export async function handleInteraction(
  provider: Provider,
  personas: Persona[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params } = details;
  if (prompt.name === 'login') {
    const byId = new Map(personas.map((p) => [p.id, p]));
    let chosen: string | undefined;
    if (req.method === 'POST') chosen = (await readForm(req)).get('persona') ?? undefined;
    else if (typeof params['login_hint'] === 'string' && byId.has(params['login_hint']))
      chosen = params['login_hint'];
    if (chosen && byId.has(chosen)) {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: chosen } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    const body = loginPage(`/interaction/${uid}`, personas, String(params['client_id']));
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https:",
    });
    res.end(body);
    return;
  }
  // consent
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a login');
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: String(params['client_id']) });
  if (!grant) throw new Error('the grant of this interaction expired');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    {
      mergeWithLastSubmission: true,
    },
  );
}
