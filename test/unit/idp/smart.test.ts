import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Provider from 'oidc-provider';
import type { IdpConfig } from '../../../idp/config.js';
import { handleInteraction } from '../../../idp/interactions.js';
import { loadPersonas } from '../../../idp/personas.js';
import { createProvider } from '../../../idp/provider.js';
import { mintLaunch, smartDocument } from '../../../idp/smart.js';
import { broken, smartConfigurationRules, tokenResponseRules } from '../../../idp/smart-rules.js';
import { freePort } from '../../../sandbox/net/free-port.js';
import { smartLaunch } from '../../helpers/oidc.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * The sandbox IdP's SMART App Launch 2.0 side, with the real provider (oidc-provider, its memory
 * adapter) on 127.0.0.1: the configuration document and real token responses, each judged by
 * the specification's rules (which field, which rule, what was found).
 */
const APP = 'https://app.test';
let server: Server;
let provider: Provider;
let issuer: string;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  const config: IdpConfig = {
    issuer,
    allowedOrigins: [APP],
    clients: [
      {
        clientId: 'app',
        clientSecret: 'app-secret',
        origin: APP,
        scopes: ['openid', 'profile', 'offline_access', 'api'],
      },
    ],
    personas: loadPersonas(join(ROOT, 'templates/idp/personas.yaml')),
    listen: port,
    admin: 0,
    ttl: { accessTokenSeconds: 300, idTokenSeconds: 300 },
  };
  provider = createProvider(config, [{ kid: 'k1', state: 'current', jwk }], undefined);
  const handler = provider.callback();
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const doc = smartDocument(path, provider);
    if (doc)
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(doc));
    if (path.startsWith('/interaction/'))
      return void handleInteraction(provider, config.personas, req, res).catch((e: Error) =>
        res.writeHead(500).end(e.message),
      );
    void handler(req, res);
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
});

afterAll(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A launch of the app `app` as `persona`; the raw token response. */
async function launchToken(scope: string, persona: string, extra: Record<string, string> = {}) {
  const r = await smartLaunch(
    {
      issuer,
      clientId: 'app',
      clientSecret: 'app-secret',
      redirectUri: `${APP}/callback`,
      resource: APP,
      scope,
      persona,
      extra,
    },
    (u, init) => fetch(u, init),
  );
  expect(r.status).toBe(200);
  return r.body;
}

describe('SMART App Launch 2.0 on the sandbox IdP', () => {
  it('publishes a .well-known/smart-configuration that meets every SMART 2.0 metadata rule', async () => {
    const doc = (await (await fetch(`${issuer}/.well-known/smart-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const results = smartConfigurationRules(doc);
    expect(broken(results)).toEqual([]);
    expect(results.map((r) => r.field)).toContain('code_challenge_methods_supported');
    expect(doc).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/token`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining([
        'launch',
        'launch/patient',
        'patient/*.rs',
        'user/*.cruds',
        'openid',
        'fhirUser',
        'offline_access',
      ]),
    );
    // Every advertised endpoint answers (no capability without the machinery behind it).
    const style = await fetch(`${issuer}/smart-style.json`);
    expect(style.status).toBe(200);
  });

  it('the rules catch a document that breaks them, naming field and rule', () => {
    const bad = broken(
      smartConfigurationRules({
        capabilities: ['launch-ehr', 'sso-openid-connect'],
        code_challenge_methods_supported: ['plain', 'S256'],
        grant_types_supported: ['client_credentials'],
      }),
    );
    expect(bad).toEqual([
      'issuer: CONDITIONAL: the OpenID issuer, required with sso-openid-connect (found absent)',
      'jwks_uri: CONDITIONAL: the JSON Web Key Set URL, required with sso-openid-connect (found absent)',
      'authorization_endpoint: CONDITIONAL: required when launch-ehr or launch-standalone is supported (found absent)',
      'token_endpoint: REQUIRED: URL of the token endpoint (found absent)',
      'grant_types_supported: REQUIRED: array of grant types supported at the token endpoint (found ["client_credentials"])',
      'code_challenge_methods_supported: REQUIRED: PKCE methods; SHALL include S256 and SHALL NOT include plain (found ["plain","S256"])',
    ]);
  });

  it('a standalone launch/patient: the persona is the patient, fhirUser in the ID token', async () => {
    const scope = 'openid fhirUser launch/patient patient/*.rs offline_access';
    const body = await launchToken(scope, 'patient-dee');
    expect(broken(tokenResponseRules(body, scope.split(' ')))).toEqual([]);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      patient: 'patient-dee',
      need_patient_banner: true,
      smart_style_url: `${issuer}/smart-style.json`,
    });
    expect(String(body.scope).split(' ')).toEqual(
      expect.arrayContaining(['launch/patient', 'patient/*.rs']),
    );
    const idToken = JSON.parse(
      Buffer.from(String(body.id_token).split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(idToken.fhirUser).toBe('Patient/patient-dee');
  });

  it("an EHR launch: the launch value's patient and encounter, for a practitioner", async () => {
    const scope = 'openid fhirUser launch user/*.cruds';
    const launch = mintLaunch({ patient: 'rh-patient-7', encounter: 'rh-encounter-7' });
    const body = await launchToken(scope, 'dr-ada', { launch });
    const results = tokenResponseRules(body, scope.split(' '));
    expect(broken(results)).toEqual([]);
    expect(results.map((r) => r.field)).toEqual(
      expect.arrayContaining(['patient', 'need_patient_banner', 'smart_style_url']),
    );
    expect(body).toMatchObject({
      patient: 'rh-patient-7',
      encounter: 'rh-encounter-7',
      need_patient_banner: true,
    });
  });

  it('no launch scope, no launch context; the rules see a missing patient', async () => {
    const body = await launchToken('openid profile', 'dr-ada');
    expect(body.patient).toBeUndefined();
    expect(
      broken(tokenResponseRules({ ...body, scope: 'launch/patient' }, ['launch/patient'])),
    ).toEqual([
      'patient: launch/patient (or launch with a patient): the id of the patient in context (found absent)',
    ]);
  });
});
