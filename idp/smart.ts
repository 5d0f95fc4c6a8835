/**
 * SMART App Launch 2.0 on the sandbox's identity provider: the scopes an app asks for, the
 * `.well-known/smart-configuration` document, and the launch context the token response
 * carries (`patient`, `encounter`, `need_patient_banner`, `smart_style_url`). An EHR launch's
 * `launch` value is one Rehearsal mints: base64url JSON of the context it stands for.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Launch scopes: the context an app asks to be launched with. */
export const LAUNCH_SCOPES = ['launch', 'launch/patient', 'launch/encounter'];
/** SMART 2.0 resource scopes granted on a sandbox task (the FHIR API's audience). */
export const FHIR_SCOPES = ['patient/*.rs', 'patient/*.cruds', 'user/*.rs', 'user/*.cruds'];
/** The OpenID scope that releases the `fhirUser` claim. */
export const FHIR_USER_SCOPE = 'fhirUser';

/** The capabilities this provider implements (SMART 2.0 "Capabilities"). */
export const CAPABILITIES = [
  'launch-ehr',
  'launch-standalone',
  'client-confidential-symmetric',
  'context-ehr-patient',
  'context-ehr-encounter',
  'context-standalone-patient',
  'context-banner',
  'context-style',
  'sso-openid-connect',
  'permission-offline',
  'permission-patient',
  'permission-user',
  'permission-v2',
];

/** The patient a standalone `launch/patient` gets when the persona is not a patient itself. */
export const DEFAULT_PATIENT = 'rh-patient';

/** The discovery document at `{issuer}/.well-known/smart-configuration`. */
export function smartConfiguration(provider: Provider): Record<string, unknown> {
  return {
    issuer: provider.issuer,
    jwks_uri: provider.urlFor('jwks'),
    authorization_endpoint: provider.urlFor('authorization'),
    token_endpoint: provider.urlFor('token'),
    userinfo_endpoint: provider.urlFor('userinfo'),
    introspection_endpoint: provider.urlFor('introspection'),
    revocation_endpoint: provider.urlFor('revocation'),
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: ['code'],
    scopes_supported: [
      'openid',
      'profile',
      FHIR_USER_SCOPE,
      'offline_access',
      ...LAUNCH_SCOPES,
      ...FHIR_SCOPES,
    ],
    code_challenge_methods_supported: ['S256'],
    capabilities: CAPABILITIES,
  };
}

/** The style `smart_style_url` names (SMART 2.0 "Styling"): the sandbox's own, plain. */
export const SMART_STYLE = {
  color_background: '#ffffff',
  color_error: '#b00020',
  color_highlight: '#1f6feb',
  color_modal_backdrop: '#00000080',
  color_success: '#1a7f37',
  color_text: '#1f2328',
  dim_border_radius: '4px',
  dim_font_size: '14px',
  dim_spacing_size: '16px',
  font_family_body: 'system-ui, sans-serif',
  font_family_heading: 'system-ui, sans-serif',
};

/** The SMART documents the provider serves beside OpenID's, by path (undefined for others). */
export function smartDocument(path: string, provider: Provider): unknown {
  if (path === '/.well-known/smart-configuration') return smartConfiguration(provider);
  if (path === '/smart-style.json') return SMART_STYLE;
  return undefined;
}

/** The context a launch value stands for. */
export interface LaunchValue {
  patient?: string;
  encounter?: string;
}

/** A launch value for a context (what the launching EHR passes as `launch`). */
export function mintLaunch(context: LaunchValue): string {
  return Buffer.from(JSON.stringify(context)).toString('base64url');
}

/** The context of a launch value, or undefined when it is not one Rehearsal minted. */
export function readLaunch(launch: string): LaunchValue | undefined {
  try {
    const v = JSON.parse(Buffer.from(launch, 'base64url').toString('utf8')) as unknown;
    if (!v || typeof v !== 'object') return undefined;
    const { patient, encounter } = v as Record<string, unknown>;
    return {
      ...(typeof patient === 'string' && patient ? { patient } : {}),
      ...(typeof encounter === 'string' && encounter ? { encounter } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The launch context for a token response, by the scopes granted: `patient` with
 * `launch/patient` (standalone: the persona's own Patient, else the sandbox's patient) or with
 * `launch` (EHR: the launch value's), `encounter` likewise; a banner and a style whenever a
 * patient is in context. Nothing without a launch scope.
 */
export function launchContext(
  scopes: string[],
  launch: LaunchValue | undefined,
  fhirUser: string | undefined,
  styleUrl: string,
): Record<string, unknown> {
  const ehr = scopes.includes('launch') && launch;
  const own = fhirUser?.startsWith('Patient/') ? fhirUser.slice('Patient/'.length) : undefined;
  const patient = ehr
    ? launch.patient
    : scopes.includes('launch/patient')
      ? (own ?? DEFAULT_PATIENT)
      : undefined;
  // An EHR launch puts its encounter in context; a standalone one has none to offer.
  const encounter = ehr ? launch.encounter : undefined;
  if (!patient && !encounter) return {};
  return {
    ...(patient ? { patient } : {}),
    ...(encounter ? { encounter } : {}),
    need_patient_banner: Boolean(patient),
    smart_style_url: styleUrl,
  };
}

/** The code an authorization response carries in its redirect, if any. */
function codeOf(location: string | undefined): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location).searchParams.get('code') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Where launch values wait between the authorization response and the token request. */
export interface LaunchStore {
  save(code: string, launch: LaunchValue): Promise<void>;
  take(code: string): Promise<LaunchValue | undefined>;
}

/**
 * Adds the launch context to the provider's token responses: a launch value seen at the
 * authorization endpoint is kept under the code it issued, and the token request that redeems
 * the code gets the context its granted scopes allow.
 */
export function smartLaunchContext(
  provider: Provider,
  store: LaunchStore,
  fhirUserOf: (accountId: string) => string | undefined,
): void {
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'authorization' || route === 'resume') {
      const launch = ctx.oidc.params?.['launch'];
      const code = codeOf(ctx.response.get('location'));
      const value = typeof launch === 'string' ? readLaunch(launch) : undefined;
      if (code && value) await store.save(code, value);
      return;
    }
    if (
      route !== 'token' ||
      ctx.status !== 200 ||
      ctx.oidc.params?.['grant_type'] !== 'authorization_code'
    )
      return;
    const body = ctx.body as Record<string, unknown>;
    const code = ctx.oidc.entities.AuthorizationCode;
    if (!code || typeof body.scope !== 'string') return;
    const launch = await store.take(String(ctx.oidc.params['code']));
    const scopes = `${body.scope} ${code.scope ?? ''}`.split(' ').filter(Boolean);
    Object.assign(
      body,
      launchContext(
        scopes,
        launch,
        fhirUserOf(code.accountId ?? ''),
        `${provider.issuer}/smart-style.json`,
      ),
    );
  });
}
