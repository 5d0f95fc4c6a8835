import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onSandboxOrigin } from '../../../idp/provider.js';
import { UserError } from '../../../sandbox/errors.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { idpConfig } from '../../../sandbox/sandbox/idp-files.js';
import { loadedDeclaration } from '../../helpers/loaded.js';

const opts = { cwd: '/work', imageMode: 'official' as const, randomSecret: () => 'S3CRET' };
const env = (key: string, required = true) => ({
  key,
  description: `${key} var`,
  required,
  location: { file: 'f', line: 1, column: 1, pointer: '' },
});
const service = (plan: Plan, name: string) => plan.services.find((s) => s.name === name)!;

describe('identity provider in the plan', () => {
  it('registers a client for a task declaring CLIENT_ID and fills its declared variables', () => {
    const plan = createPlan(
      loadedDeclaration({
        tasks: [
          {
            name: 'portal',
            environment: [
              env('OIDC_ISSUER'),
              env('CLIENT_ID'),
              env('CLIENT_SECRET'),
              env('OIDC_SCOPES', false),
            ],
          },
        ],
      }),
      { ...opts, proxyPort: 28443 },
    );
    expect(plan.unbound).toEqual([]);
    expect(service(plan, 'portal').environment).toMatchObject({
      OIDC_ISSUER: 'https://idp.rehearsal.localhost:28443',
      CLIENT_ID: 'portal',
      CLIENT_SECRET: '${REHEARSAL_IDP_SECRET_PORTAL}',
      OIDC_SCOPES: 'openid profile email groups offline_access api',
    });
    expect(service(plan, 'portal').dependsOn).toContain('idp');
    expect(plan.secrets).toHaveProperty('REHEARSAL_IDP_SECRET_PORTAL', 'S3CRET');
    expect(plan.proxy?.routes).toContainEqual({
      host: 'idp.rehearsal.localhost',
      service: 'idp',
      port: 9000,
    });
    expect(service(plan, 'proxy').aliases).toContain('idp.rehearsal.localhost');
    expect(service(plan, 'idp')).toMatchObject({
      role: 'idp',
      replicas: 1,
      dependsOn: ['database'],
    });
    expect(plan.idp?.allowedOrigins).toEqual(['https://portal.rehearsal.localhost:28443']);
  });

  it('adds no IdP when no task asks for one, and honours sso: true and sso: false', () => {
    const plain = createPlan(
      loadedDeclaration({ tasks: [{ environment: [env('CLIENT_ID', false)] }] }),
      opts,
    );
    expect(plain.idp).toBeUndefined();
    expect(plain.services.map((s) => s.name)).not.toContain('idp');
    const on = createPlan(loadedDeclaration({ taskOverlays: { 'task-0': { sso: true } } }), opts);
    expect(on.idp?.clients.map((c) => c.clientId)).toEqual(['task-0']);
    const off = createPlan(
      loadedDeclaration({
        tasks: [{ environment: [env('CLIENT_ID')] }],
        taskOverlays: { 'task-0': { sso: false } },
      }),
      opts,
    );
    expect(off.idp).toBeUndefined();
    expect(off.unbound.map((u) => u.key)).toEqual(['CLIENT_ID']);
  });

  it('lets a literal win over the IdP value and binds any variable with bind: idp.*', () => {
    const plan = createPlan(
      loadedDeclaration({
        tasks: [{ environment: [env('CLIENT_ID'), env('AUTH_URL')] }],
        taskOverlays: {
          'task-0': { env: { CLIENT_ID: 'mine' }, bind: { AUTH_URL: 'idp.discovery_url' } },
        },
      }),
      opts,
    );
    expect(service(plan, 'task-0').environment).toMatchObject({
      CLIENT_ID: 'mine',
      AUTH_URL: 'https://idp.rehearsal.localhost:8443/.well-known/openid-configuration',
    });
  });

  it('needs PostgreSQL for its keys', () => {
    expect(() =>
      createPlan(
        loadedDeclaration({
          database: { kind: 'redis' },
          taskOverlays: { 'task-0': { sso: true } },
        }),
        opts,
      ),
    ).toThrow(UserError);
  });

  it("writes the IdP's configuration with the clients' secrets and the default personas", () => {
    const plan = createPlan(loadedDeclaration({ taskOverlays: { 'task-0': { sso: true } } }), opts);
    const config = idpConfig(plan)!;
    expect(config.clients).toEqual([
      {
        clientId: 'task-0',
        clientSecret: 'S3CRET',
        origin: 'https://task-0.rehearsal.localhost:8443',
        scopes: ['openid', 'profile', 'email', 'groups', 'offline_access', 'api'],
      },
    ]);
    expect(config.personas.length).toBeGreaterThan(2);
    // plan.json keeps the plan without its secrets: the client's secret is named, never inlined.
    expect(JSON.stringify(plan.idp)).not.toContain('S3CRET');
  });
});

describe('redirect URIs', () => {
  const origins = ['https://portal.rehearsal.localhost:8443'];
  it('accepts any path on a sandbox origin and nothing else', () => {
    expect(onSandboxOrigin('https://portal.rehearsal.localhost:8443/auth/callback', origins)).toBe(
      true,
    );
    expect(onSandboxOrigin('https://portal.rehearsal.localhost:9443/callback', origins)).toBe(
      false,
    );
    expect(onSandboxOrigin('http://portal.rehearsal.localhost:8443/callback', origins)).toBe(false);
    expect(onSandboxOrigin('https://evil.example/callback', origins)).toBe(false);
    expect(onSandboxOrigin('https://x@portal.rehearsal.localhost:8443/callback', origins)).toBe(
      false,
    );
    expect(onSandboxOrigin('not a url', origins)).toBe(false);
  });
});

describe('SCIM endpoints in the plan', () => {
  it('gives a task with scim.path a per-sandbox token through its declared token variable', () => {
    const plan = createPlan(
      loadedDeclaration({
        tasks: [{ name: 'portal', environment: [env('SCIM_TOKEN', false)] }],
        taskOverlays: { portal: { scimPath: '/scim/v2' } },
      }),
      opts,
    );
    expect(plan.scim).toEqual([
      { task: 'portal', path: '/scim/v2', tokenName: 'REHEARSAL_SCIM_TOKEN_PORTAL' },
    ]);
    expect(service(plan, 'portal').environment.SCIM_TOKEN).toBe('${REHEARSAL_SCIM_TOKEN_PORTAL}');
    expect(plan.secrets).toHaveProperty('REHEARSAL_SCIM_TOKEN_PORTAL', 'S3CRET');
    expect(createPlan(loadedDeclaration(), opts).scim).toBeUndefined();
  });
});

describe('a malformed persona file', () => {
  it('stops the plan with the file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-personas-'));
    try {
      writeFileSync(
        join(dir, 'personas.yaml'),
        'personas:\n  - id: a\n    name: A\n    email: nope\n',
      );
      const loaded = loadedDeclaration({ taskOverlays: { 'task-0': { sso: true } } });
      loaded.declaration.file = join(dir, 'marketplace.json');
      expect(() => createPlan(loaded, opts)).toThrow(
        `malformed persona file ${join(dir, 'personas.yaml')}:4:12: email "nope" is not an e-mail address`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
