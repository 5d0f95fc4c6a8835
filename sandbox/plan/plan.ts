import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type {
  LoadedDeclaration,
  ProfileName,
  TaskDeclaration,
  TaskKind,
  TaskOverlay,
} from '../declaration/types.js';
import { UserError } from '../errors.js';
import { knownBuild, runtimeImage, type ImageMode } from '../images/catalogue.js';
import { composeLiteral, conventionalBinding, resolveBinding } from './bindings.js';
import { planCollector } from './collector.js';
import { DATABASE_SECRETS, planDatabase, type DatabaseConnection } from './database.js';
import { ADMIN_TOKEN_SECRET, planEdge, trustInjection } from './edge.js';
import { planIdp, ssoTasks } from './idp.js';
import { planScim } from './scim.js';
import type { Plan, ServicePlan, UnboundVariable } from './types.js';

/** Seconds a replica gets between SIGTERM and SIGKILL, per requirement profile. */
export const STOP_BUDGET_SECONDS: Record<ProfileName, number> = {
  'hspc-2016': 60,
  'hl7-hsp-r2': 15,
};

export const DEFAULT_REPLICAS = 3;

export interface PlanOptions {
  /** Where `.rehearsal/` lives: the working directory. */
  cwd: string;
  imageMode: ImageMode;
  /** `--replicas N`: must fit every task's declared bounds. */
  replicas?: number;
  /** `--env KEY=VALUE` pairs: literal values that win over defaults and bindings. */
  env?: Record<string, string>;
  /** Host port of the TLS edge on 127.0.0.1 (default 8443). */
  proxyPort?: number;
  /** Secrets of an existing sandbox (its `.env`), kept so its database volume stays usable. */
  secrets?: Record<string, string>;
  randomSecret?: () => string;
}

/** Turns a loaded declaration into a plan: services, network, volume, secrets. Pure: no Docker. */
export function createPlan(loaded: LoadedDeclaration, options: PlanOptions): Plan {
  const { declaration, overlay } = loaded;
  const sandboxId = sandboxIdFor(loaded);
  const randomSecret = options.randomSecret ?? (() => randomBytes(18).toString('base64url'));
  const notes: string[] = [];
  const secrets: Record<string, string> = {};
  const services: ServicePlan[] = [];
  const volumes: string[] = [];

  let db: DatabaseConnection | undefined;
  const dbKind = overlay.database.kind;
  if (dbKind !== 'none') {
    const planned = planDatabase(dbKind, overlay.database.version, sandboxId, options.imageMode);
    services.push(planned.service);
    volumes.push(planned.volume);
    db = planned.connection;
    for (const name of DATABASE_SECRETS[dbKind])
      secrets[name] = options.secrets?.[name] ?? randomSecret();
    if (options.imageMode === 'offline' && overlay.database.version) {
      notes.push(
        `offline images: the database is ${planned.service.image.tag}, whatever version rehearsal.yaml asks for (${overlay.database.version})`,
      );
    }
  }

  const unbound: UnboundVariable[] = [];
  const tasks = declaration.tasks.map((task) =>
    planTask(task, loaded.taskOverlays[task.name] ?? {}, { options, db, unbound, notes, loaded }),
  );
  const edge = planEdge(tasks, {
    ...(options.proxyPort !== undefined ? { port: options.proxyPort } : {}),
    mode: options.imageMode,
    stopGraceSeconds: STOP_BUDGET_SECONDS[overlay.profile],
  });
  if (edge) {
    services.push(edge.service);
    secrets[ADMIN_TOKEN_SECRET] = options.secrets?.[ADMIN_TOKEN_SECRET] ?? randomSecret();
  }
  bindEdgeUrls(loaded, tasks, edge, unbound, options.env);
  const idp = planIdp(loaded, ssoTasks(loaded, tasks), {
    proxy: edge,
    db,
    mode: options.imageMode,
    unbound,
    stopGraceSeconds: STOP_BUDGET_SECONDS[overlay.profile],
    literal: (task, key) =>
      options.env?.[key] !== undefined || loaded.taskOverlays[task]?.env?.[key] !== undefined,
  });
  if (idp) {
    services.push(idp.service);
    for (const name of idp.secrets) secrets[name] = options.secrets?.[name] ?? randomSecret();
  }
  const scim = planScim(loaded, tasks);
  for (const { tokenName } of scim)
    secrets[tokenName] = options.secrets?.[tokenName] ?? randomSecret();
  const trust = trustInjection();
  const inits = tasks.filter((t) => t.role === 'init').map((t) => t.name);
  for (const t of tasks) {
    // Every service trusts the sandbox's CA, and reaches the edge before it needs it.
    t.files = [...trust.files];
    t.environment = { ...trust.environment, ...t.environment };
    if (edge) t.dependsOn = [...t.dependsOn, edge.service.name];
    // Web and worker tasks start once every initialization task has completed.
    if (t.role === 'task') t.dependsOn = [...t.dependsOn, ...inits];
    services.push(t);
  }
  // The trace collector, when a task's variables ask for it (the check adds it always).
  planCollector(loaded, services, {
    image: runtimeImage(options.imageMode),
    stopGraceSeconds: STOP_BUDGET_SECONDS[overlay.profile],
    always: false,
    unbound,
    literal: (task, key) =>
      options.env?.[key] !== undefined || loaded.taskOverlays[task]?.env?.[key] !== undefined,
  });

  return {
    sandboxId,
    stateDir: resolve(options.cwd, '.rehearsal', sandboxId),
    declarationFile: declaration.file,
    declarationSha256: declaration.sha256,
    productName: declaration.product.name,
    profile: overlay.profile,
    database: dbKind === 'none' ? { kind: 'none' } : { kind: dbKind, service: 'database' },
    network: `${sandboxId}_default`,
    ...(edge ? { proxy: edge.proxy } : {}),
    ...(idp ? { idp: idp.plan } : {}),
    ...(scim.length > 0 ? { scim } : {}),
    services,
    volumes,
    secrets,
    unbound,
    notes,
  };
}

/** The sandbox id: rehearsal.yaml's `sandbox.name`, else a slug of the product's name. */
export function sandboxIdFor(loaded: LoadedDeclaration): string {
  if (loaded.overlay.sandboxName) return loaded.overlay.sandboxName;
  const slug = loaded.declaration.product.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return /^[a-z]/.test(slug) ? slug : `sandbox-${slug || 'service'}`;
}

interface TaskContext {
  options: PlanOptions;
  db: DatabaseConnection | undefined;
  unbound: UnboundVariable[];
  notes: string[];
  loaded: LoadedDeclaration;
}

function planTask(task: TaskDeclaration, o: TaskOverlay, ctx: TaskContext): ServicePlan {
  const { options, loaded } = ctx;
  const imageTag = o.image ?? task.image ?? loaded.declaration.product.image;
  if (!imageTag) {
    throw new UserError(`task "${task.label}" has no image`, {
      hint: 'Set product.build.binary.image in marketplace.json, or `image:` in rehearsal.yaml.',
    });
  }
  const { kind } = task;
  const role = ROLE[kind];
  const web = kind === 'web';
  const httpPort = o.httpPort ?? task.ports[0];
  return {
    name: task.name,
    role,
    kind,
    taskId: task.id,
    label: task.label,
    image: knownBuild(imageTag, options.imageMode) ?? { tag: imageTag },
    ...(task.options.length > 0 ? { command: task.options.map(composeLiteral) } : {}),
    environment: planEnvironment(task, o, ctx),
    // An initialization task runs once per `up`; a cron task on its schedule; both as one-offs.
    replicas: role === 'task' ? replicasFor(task, o, ctx) : role === 'init' ? 1 : 0,
    instancesMinimum: task.instancesMinimum,
    ...(task.instancesMaximum !== undefined ? { instancesMaximum: task.instancesMaximum } : {}),
    ...(task.memoryMaximumMiB !== undefined
      ? { memoryBytes: Math.round(task.memoryMaximumMiB * 1024 * 1024) }
      : {}),
    ...(task.memoryMinimumMiB !== undefined
      ? { memoryRequestBytes: Math.round(task.memoryMinimumMiB * 1024 * 1024) }
      : {}),
    // Only a web task's ports are published and routed; a worker has none to probe.
    ports: web ? task.ports : [],
    ...(httpPort !== undefined && web
      ? { probe: { port: httpPort, path: o.healthPath ?? '/' } }
      : {}),
    volumes: [],
    dependsOn: ctx.db ? ['database'] : [],
    aliases: [],
    stopGraceSeconds: STOP_BUDGET_SECONDS[loaded.overlay.profile],
    ...(kind === 'cron' ? { cron: task.cron } : {}),
  };
}

const ROLE: Record<TaskKind, ServicePlan['role']> = {
  web: 'task',
  worker: 'task',
  initialization: 'init',
  cron: 'cron',
};

function replicasFor(task: TaskDeclaration, o: TaskOverlay, ctx: TaskContext): number {
  const min = task.instancesMinimum;
  const max = task.instancesMaximum ?? Number.POSITIVE_INFINITY;
  const asked = ctx.options.replicas ?? o.replicas;
  if (asked !== undefined) {
    if (asked < min || asked > max) {
      throw new UserError(
        `${asked} replicas of "${task.name}" is outside its declared bounds ${min}..${Number.isFinite(max) ? max : 'unlimited'}`,
        {
          hint: `Choose a count between instances_minimum (${min}) and instances_maximum in marketplace.json.`,
        },
      );
    }
    return asked;
  }
  const clamped = Math.min(Math.max(DEFAULT_REPLICAS, min), max);
  if (clamped !== DEFAULT_REPLICAS) {
    ctx.notes.push(
      `"${task.name}" runs ${clamped} replicas: the default ${DEFAULT_REPLICAS} is outside its declared bounds`,
    );
  }
  return clamped;
}

function planEnvironment(
  task: TaskDeclaration,
  o: TaskOverlay,
  ctx: TaskContext,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of task.environment) {
    const literal = ctx.options.env?.[v.key] ?? o.env?.[v.key];
    const source = o.bind?.[v.key] ?? conventionalBinding(v.key);
    // IdP sources are filled by planIdp once the sandbox knows its identity provider.
    const bound = source?.startsWith('database.') ? resolveBinding(source, ctx.db) : undefined;
    if (literal !== undefined) env[v.key] = composeLiteral(literal);
    else if (bound !== undefined) env[v.key] = bound;
    else if (v.default !== undefined) env[v.key] = composeLiteral(v.default);
    else if (v.required)
      ctx.unbound.push({ service: task.name, key: v.key, description: v.description });
    if (o.bind?.[v.key]?.startsWith('database.') && bound === undefined) {
      throw new UserError(
        `"${task.name}" binds ${v.key} to ${o.bind[v.key]}, but this sandbox has no database`,
        {
          hint: 'Set `database: { kind: postgres }` (or mariadb, redis) in rehearsal.yaml, or remove the binding.',
        },
      );
    }
  }
  // Variables the overlay or flags set that the declaration does not list still reach the task.
  for (const [key, value] of Object.entries({ ...o.env, ...ctx.options.env })) {
    if (!(key in env) && !task.environment.some((v) => v.key === key))
      env[key] = composeLiteral(value);
  }
  return env;
}

/**
 * `bind: { PUBLIC_URL: edge.url }`: the task's own origin through the TLS edge, for the few
 * services that must know it (an OpenID provider's issuer). A literal value wins.
 */
function bindEdgeUrls(
  loaded: LoadedDeclaration,
  tasks: ServicePlan[],
  edge: ReturnType<typeof planEdge>,
  unbound: UnboundVariable[],
  literals: Record<string, string> | undefined,
): void {
  for (const task of loaded.declaration.tasks) {
    const o = loaded.taskOverlays[task.name] ?? {};
    for (const [key, source] of Object.entries(o.bind ?? {})) {
      if (source !== 'edge.url' || literals?.[key] !== undefined || o.env?.[key] !== undefined)
        continue;
      const route = edge?.proxy.routes.find((r) => r.service === task.name);
      const service = tasks.find((t) => t.name === task.name);
      if (!edge || !route || !service)
        throw new UserError(
          `"${task.name}" binds ${key} to edge.url, but it is not behind the TLS edge`,
          { hint: 'Declare its HTTP port in "ports" and a health path, or remove the binding.' },
        );
      service.environment[key] = composeLiteral(`https://${route.host}:${edge.proxy.port}`);
      const at = unbound.findIndex((u) => u.service === task.name && u.key === key);
      if (at >= 0) unbound.splice(at, 1);
    }
  }
}
