/**
 * SMART App Launch 2.0's requirements on a server's `.well-known/smart-configuration` and on a
 * token response, as rules that say which field and which sentence of the specification each
 * check comes from. Each result is evidence: the rule, the field, and what was found.
 */

export interface RuleResult {
  field: string;
  rule: string;
  ok: boolean;
  found: string;
}

type Doc = Record<string, unknown>;

const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
const isUrl = (v: unknown) => {
  try {
    return typeof v === 'string' && ['https:', 'http:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};
const strings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

function rule(doc: Doc, field: string, text: string, ok: (v: unknown) => boolean): RuleResult {
  return { field, rule: text, ok: ok(doc[field]), found: show(doc[field]) };
}

/** The rules of "Metadata" (Conformance, SMART App Launch 2.0) on a configuration document. */
export function smartConfigurationRules(doc: Doc): RuleResult[] {
  const caps = strings(doc.capabilities) ? doc.capabilities : [];
  const sso = caps.includes('sso-openid-connect');
  const launches = caps.includes('launch-ehr') || caps.includes('launch-standalone');
  return [
    rule(doc, 'issuer', 'CONDITIONAL: the OpenID issuer, required with sso-openid-connect', (v) =>
      sso ? isUrl(v) : v === undefined || isUrl(v),
    ),
    rule(
      doc,
      'jwks_uri',
      'CONDITIONAL: the JSON Web Key Set URL, required with sso-openid-connect',
      (v) => (sso ? isUrl(v) : v === undefined || isUrl(v)),
    ),
    rule(
      doc,
      'authorization_endpoint',
      'CONDITIONAL: required when launch-ehr or launch-standalone is supported',
      (v) => (launches ? isUrl(v) : v === undefined || isUrl(v)),
    ),
    rule(doc, 'token_endpoint', 'REQUIRED: URL of the token endpoint', isUrl),
    rule(
      doc,
      'grant_types_supported',
      'REQUIRED: array of grant types supported at the token endpoint',
      (v) => strings(v) && v.length > 0 && (!launches || v.includes('authorization_code')),
    ),
    rule(
      doc,
      'capabilities',
      'REQUIRED: array of SMART capabilities',
      (v) => strings(v) && v.length > 0,
    ),
    rule(
      doc,
      'code_challenge_methods_supported',
      'REQUIRED: PKCE methods; SHALL include S256 and SHALL NOT include plain',
      (v) => strings(v) && v.includes('S256') && !v.includes('plain'),
    ),
    rule(
      doc,
      'scopes_supported',
      'RECOMMENDED: array of scopes a client may request',
      (v) => v === undefined || strings(v),
    ),
    rule(
      doc,
      'response_types_supported',
      'RECOMMENDED: array of OAuth2 response types',
      (v) => v === undefined || strings(v),
    ),
    rule(
      doc,
      'token_endpoint_auth_methods_supported',
      'OPTIONAL: array of client authentication methods',
      (v) => v === undefined || strings(v),
    ),
    rule(
      doc,
      'introspection_endpoint',
      'RECOMMENDED: URL of the introspection endpoint',
      (v) => v === undefined || isUrl(v),
    ),
    rule(
      doc,
      'revocation_endpoint',
      'RECOMMENDED: URL of the revocation endpoint',
      (v) => v === undefined || isUrl(v),
    ),
  ];
}

/**
 * The rules of "Obtain access token" (App Launch, SMART 2.0) on a token response, for the scopes
 * the app asked for: the OAuth fields, and the launch context each launch scope promises.
 */
export function tokenResponseRules(doc: Doc, requested: string[]): RuleResult[] {
  const granted = typeof doc.scope === 'string' ? doc.scope.split(' ') : [];
  const has = (s: string) => requested.includes(s) && granted.includes(s);
  const out = [
    rule(
      doc,
      'access_token',
      'REQUIRED: the access token issued by the authorization server',
      (v) => typeof v === 'string' && v !== '',
    ),
    rule(
      doc,
      'token_type',
      'REQUIRED: fixed value Bearer',
      (v) => typeof v === 'string' && v.toLowerCase() === 'bearer',
    ),
    rule(
      doc,
      'scope',
      'REQUIRED: the scopes of access granted',
      (v) => typeof v === 'string' && v !== '',
    ),
    rule(
      doc,
      'expires_in',
      'RECOMMENDED: lifetime in seconds of the access token',
      (v) => v === undefined || (Number.isInteger(v) && (v as number) > 0),
    ),
  ];
  if (requested.includes('openid'))
    out.push(
      rule(
        doc,
        'id_token',
        'REQUIRED with the openid scope: an OpenID Connect ID token',
        (v) => typeof v === 'string',
      ),
    );
  if (has('offline_access'))
    out.push(
      rule(
        doc,
        'refresh_token',
        'granted offline_access: a refresh token',
        (v) => typeof v === 'string',
      ),
    );
  if (has('launch/patient') || (has('launch') && doc.patient !== undefined))
    out.push(
      rule(
        doc,
        'patient',
        'launch/patient (or launch with a patient): the id of the patient in context',
        (v) => typeof v === 'string' && v !== '',
      ),
    );
  if (has('launch/encounter'))
    out.push(
      rule(
        doc,
        'encounter',
        'launch/encounter: the id of the encounter in context',
        (v) => v === undefined || typeof v === 'string',
      ),
    );
  if (doc.patient !== undefined || doc.encounter !== undefined) {
    out.push(
      rule(
        doc,
        'need_patient_banner',
        'launch context: boolean, whether the app must show a patient banner',
        (v) => typeof v === 'boolean',
      ),
    );
    out.push(
      rule(doc, 'smart_style_url', 'launch context: URL of the style the app should match', isUrl),
    );
  }
  return out;
}

/** "field: rule (found …)" for each broken rule: what a test or a report prints. */
export const broken = (results: RuleResult[]) =>
  results.filter((r) => !r.ok).map((r) => `${r.field}: ${r.rule} (found ${r.found})`);
