import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IDP_ADMIN, IDP_LISTEN } from '../../idp/config.js';
import { loadPersonas, PersonaFileError, type Persona } from '../../idp/personas.js';
import type { LoadedDeclaration, TaskDeclaration, TaskOverlay } from '../declaration/types.js';
import { UserError } from '../errors.js';
import { runtimeImage, type ImageMode } from '../images/catalogue.js';
import { templatePath } from '../version.js';
import { composeLiteral } from './bindings.js';
import type { DatabaseConnection } from './database.js';
import { SANDBOX_DOMAIN, taskHost } from './edge.js';
import type { ProxyPlan, ServicePlan, UnboundVariable } from './types.js';

export const IDP_SERVICE = 'idp';
export const IDP_HOST = `idp.${SANDBOX_DOMAIN}`;
export const IDP_ADMIN_TOKEN_SECRET = 'REHEARSAL_IDP_ADMIN_TOKEN';
/** Bearer token of the IdP's own SCIM directory (`https://idp.rehearsal.localhost:<port>/scim/v2`). */
export const IDP_SCIM_TOKEN_SECRET = 'REHEARSAL_IDP_SCIM_TOKEN';
/** Scopes every sandbox client may ask for. */
export const CLIENT_SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access', 'api'];
/** Paths of the IdP's files, relative to the sandbox's state folder. */
export const IDP_FILES = { config: 'idp/idp.json', adminToken: 'idp/admin-token' } as const;

/** What a task's variable can receive from the identity provider. */
export type IdpValue = 'issuer' | 'discovery_url' | 'client_id' | 'client_secret' | 'scopes';

/** Declared variables filled from the IdP by name when the task needs SSO. */
const CONVENTIONAL: Record<string, IdpValue> = {};
for (const [value, names] of Object.entries({
  issuer:
    'OIDC_ISSUER OIDC_ISSUER_URL OIDC_URL ISSUER_URL OAUTH_ISSUER OAUTH2_ISSUER AUTH_ISSUER SSO_ISSUER OIDC_AUTHORITY',
  discovery_url: 'OIDC_DISCOVERY_URL OIDC_WELL_KNOWN_URL OIDC_METADATA_URL',
  client_id:
    'CLIENT_ID OIDC_CLIENT_ID OAUTH_CLIENT_ID OAUTH2_CLIENT_ID AUTH_CLIENT_ID SSO_CLIENT_ID',
  client_secret:
    'CLIENT_SECRET OIDC_CLIENT_SECRET OAUTH_CLIENT_SECRET OAUTH2_CLIENT_SECRET AUTH_CLIENT_SECRET SSO_CLIENT_SECRET',
  scopes: 'OIDC_SCOPES OIDC_SCOPE OAUTH_SCOPES SCOPES',
} as Record<IdpValue, string>)) {
  for (const name of names.split(' ')) CONVENTIONAL[name] = value as IdpValue;
}

/** The IdP value a declared variable gets by naming convention, if any. */
export function conventionalIdpValue(key: string): IdpValue | undefined {
  return CONVENTIONAL[key];
}

/**
 * Does a task need SSO? Yes when the overlay says `sso: true`, or (unless it says `sso: false`)
 * when it declares a required variable only the IdP can fill, such as `CLIENT_ID`.
 */
export function needsSso(task: TaskDeclaration, o: TaskOverlay): boolean {
  if (o.sso !== undefined) return o.sso;
  if (Object.values(o.bind ?? {}).some((s) => s.startsWith('idp.'))) return true;
  return task.environment.some((v) => v.required && CONVENTIONAL[v.key] !== undefined);
}

/** The planned tasks (not cron jobs) that need SSO, with their declarations and overlays. */
export function ssoTasks(
  loaded: LoadedDeclaration,
  planned: ServicePlan[],
): { task: TaskDeclaration; overlay: TaskOverlay; service: ServicePlan }[] {
  return loaded.declaration.tasks.flatMap((task) => {
    const service = planned.find((s) => s.name === task.name && s.role === 'task');
    const overlay = loaded.taskOverlays[task.name] ?? {};
    return service && needsSso(task, overlay) ? [{ task, overlay, service }] : [];
  });
}

/** One registered client, as the plan keeps it (its secret stays in `Plan.secrets`). */
export interface IdpClientPlan {
  clientId: string;
  secretName: string;
  origin: string;
  scopes: string[];
}

/** The identity provider of a sandbox. */
export interface IdpPlan {
  service: string;
  issuer: string;
  adminPort: number;
  clients: IdpClientPlan[];
  allowedOrigins: string[];
  personasFile: string;
  personas: Persona[];
}

/** The secret holding a task's client secret. */
export function clientSecretName(task: string): string {
  return `REHEARSAL_IDP_SECRET_${task.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The persona file: `personas.yaml` beside the declaration, else Rehearsal's defaults. */
export function personasFileFor(loaded: LoadedDeclaration): string {
  const own = join(dirname(loaded.declaration.file), 'personas.yaml');
  return existsSync(own) ? own : templatePath('idp', 'personas.yaml');
}

/** Loads the personas; a malformed file is a user error at its line. */
export function readPersonas(file: string): Persona[] {
  try {
    return loadPersonas(file);
  } catch (err) {
    if (err instanceof PersonaFileError) {
      throw new UserError(
        `malformed persona file ${err.file}:${err.line}:${err.column}: ${err.problem}`,
        {
          hint: 'Fix the line shown (see templates/idp/personas.yaml for the shape), or remove the file to use the default personas.',
          location: { file: err.file, line: err.line, column: err.column, pointer: '' },
          cause: err,
        },
      );
    }
    throw new UserError(`cannot read the persona file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Adds the identity provider to a sandbox whose tasks need SSO: a service behind the edge at
 * `idp.rehearsal.localhost`, one client per SSO task, and the IdP's values in the tasks' declared
 * variables (literal values from the overlay or flags win). Mutates `tasks`, `proxy` and `unbound`.
 */
export function planIdp(
  loaded: LoadedDeclaration,
  ssoTasks: { task: TaskDeclaration; overlay: TaskOverlay; service: ServicePlan }[],
  ctx: {
    proxy: { proxy: ProxyPlan; service: ServicePlan } | undefined;
    db: DatabaseConnection | undefined;
    mode: ImageMode;
    unbound: UnboundVariable[];
    stopGraceSeconds: number;
    literal: (task: string, key: string) => boolean;
  },
): { plan: IdpPlan; service: ServicePlan; secrets: string[] } | undefined {
  if (ssoTasks.length === 0) return undefined;
  const names = ssoTasks.map((t) => t.task.name).join(', ');
  if (!ctx.proxy) {
    throw new UserError(`${names} need SSO, but no task serves HTTP, so there is no TLS edge`, {
      hint: 'Declare the HTTP port in "ports", or set `sso: false` in rehearsal.yaml.',
    });
  }
  if (!ctx.db || loaded.overlay.database.kind !== 'postgres') {
    throw new UserError(
      `${names} need SSO, and the identity provider keeps its keys in PostgreSQL`,
      {
        hint: 'Use `database: { kind: postgres }` in rehearsal.yaml (the default), or set `sso: false`.',
      },
    );
  }
  const { proxy, service: edge } = ctx.proxy;
  const origin = (host: string) => `https://${host}:${proxy.port}`;
  const issuer = origin(IDP_HOST);
  const personasFile = personasFileFor(loaded);
  const personas = readPersonas(personasFile);
  const clients: IdpClientPlan[] = ssoTasks.map(({ task }) => ({
    clientId: task.name,
    secretName: clientSecretName(task.name),
    origin: origin(taskHost(task.name)),
    scopes: CLIENT_SCOPES,
  }));
  for (const [i, { task, overlay, service }] of ssoTasks.entries()) {
    const client = clients[i]!;
    const values: Record<IdpValue, string> = {
      issuer: composeLiteral(issuer),
      discovery_url: composeLiteral(`${issuer}/.well-known/openid-configuration`),
      client_id: composeLiteral(client.clientId),
      client_secret: `\${${client.secretName}}`,
      scopes: client.scopes.join(' '),
    };
    for (const v of task.environment) {
      const bound = overlay.bind?.[v.key];
      const source = bound?.startsWith('idp.')
        ? (bound.slice('idp.'.length) as IdpValue)
        : conventionalIdpValue(v.key);
      if (!source || ctx.literal(task.name, v.key)) continue;
      service.environment[v.key] = values[source];
      const at = ctx.unbound.findIndex((u) => u.service === task.name && u.key === v.key);
      if (at >= 0) ctx.unbound.splice(at, 1);
    }
    service.dependsOn = [...service.dependsOn, IDP_SERVICE];
  }
  proxy.routes.push({ host: IDP_HOST, service: IDP_SERVICE, port: IDP_LISTEN });
  edge.aliases.push(IDP_HOST);
  const service: ServicePlan = {
    name: IDP_SERVICE,
    role: 'idp',
    label: 'identity provider (OpenID Connect)',
    image: runtimeImage(ctx.mode),
    command: ['node', '/app/idp.mjs'],
    environment: {
      REHEARSAL_IDP_CONFIG: '/etc/rehearsal/idp.json',
      REHEARSAL_IDP_ADMIN_TOKEN_FILE: '/etc/rehearsal/idp-admin-token',
      REHEARSAL_IDP_DATABASE_URL: ctx.db.url,
      // Changes with the personas and clients, so `up` replaces an IdP whose file is stale.
      REHEARSAL_IDP_CONFIG_VERSION: createHash('sha256')
        .update(JSON.stringify({ personas, clients, issuer }))
        .digest('hex')
        .slice(0, 12),
    },
    replicas: 1,
    instancesMinimum: 1,
    instancesMaximum: 1,
    memoryBytes: 256 * 1024 * 1024,
    ports: [IDP_LISTEN, IDP_ADMIN],
    probe: { port: IDP_LISTEN, path: '/healthz' },
    files: [
      { source: IDP_FILES.config, target: '/etc/rehearsal/idp.json', mode: 0o400, uid: 1000 },
      {
        source: IDP_FILES.adminToken,
        target: '/etc/rehearsal/idp-admin-token',
        mode: 0o400,
        uid: 1000,
      },
    ],
    volumes: [],
    dependsOn: ['database'],
    aliases: [],
    stopGraceSeconds: ctx.stopGraceSeconds,
  };
  return {
    plan: {
      service: IDP_SERVICE,
      issuer,
      adminPort: IDP_ADMIN,
      clients,
      allowedOrigins: proxy.routes.filter((r) => r.host !== IDP_HOST).map((r) => origin(r.host)),
      personasFile,
      personas,
    },
    service,
    secrets: [IDP_ADMIN_TOKEN_SECRET, IDP_SCIM_TOKEN_SECRET, ...clients.map((c) => c.secretName)],
  };
}
