import type { Problem, SourceLocation } from '../errors.js';

/** Requirement profiles (../shared/DESIGN.md, "Requirement profiles"). */
export type ProfileName = 'hspc-2016' | 'hl7-hsp-r2';

/** Database kinds Rehearsal can provide from templates/databases. */
export type DatabaseKind = 'postgres' | 'mariadb' | 'redis' | 'none';

/**
 * What a declared environment variable can be bound to. The sandbox resolves each source to a
 * value when it plans (database, identity provider and trace collector settings).
 */
export type BindingSource =
  | 'database.url'
  | 'database.host'
  | 'database.port'
  | 'database.name'
  | 'database.user'
  | 'database.password'
  | 'idp.issuer'
  | 'edge.url'
  | 'idp.discovery_url'
  | 'idp.client_id'
  | 'idp.client_secret'
  | 'idp.scopes'
  | 'collector.endpoint'
  | 'collector.traces_endpoint';

export interface EnvVarDeclaration {
  key: string;
  description: string;
  required: boolean;
  default?: string;
  /** Some real declarations carry a regular expression the value must match. */
  pattern?: string;
  location: SourceLocation;
}

/**
 * What a task is, which decides how it is planned, run, judged and shown (sandbox/declaration/
 * kind.ts decides it, nowhere else): `web` serves HTTP on its ports behind the edge; `worker` runs
 * as replicas with no port; `initialization` runs to completion before the web and worker tasks
 * start; `cron` runs on its schedule.
 */
export type TaskKind = 'web' | 'worker' | 'initialization' | 'cron';

/** One `configuration[].task` (or earlier-ballot `tasks[]`) entry, normalised. */
export interface TaskDeclaration {
  /** As declared, else the slug of the label (`idFromLabel`). */
  id: string;
  /** True when the file gave no `id` and it was derived from the label. */
  idFromLabel?: true;
  label: string;
  kind: TaskKind;
  /** Why it is that kind, for `validate` and the README's rules: "it declares ports". */
  kindReason: string;
  /** The task's own image (earlier ballot); else the product's. */
  image?: string;
  /** DNS-safe service name: the overlay's `name`, else a slug of the label (unique per file). */
  name: string;
  configurationId?: string;
  memoryMinimumMiB?: number;
  memoryMaximumMiB?: number;
  /** Defaults to 1 when the declaration leaves it out. */
  instancesMinimum: number;
  /** `undefined` means unlimited, as the schema says. */
  instancesMaximum?: number;
  options: string[];
  ports: number[];
  /** Five-field cron expression, normalised (e.g. "At 00:00" → "0 0 * * *"). */
  cron?: string;
  environment: EnvVarDeclaration[];
  location: SourceLocation;
}

export interface ProductDeclaration {
  uuid?: string;
  name: string;
  /** `product.build.binary.image`; the overlay may override it. */
  image?: string;
  registry?: string;
}

/** A parsed, validated `marketplace.json`. */
export interface Declaration {
  /** Absolute path of the file read. */
  file: string;
  /** sha256 (hex) of the file's bytes: goes into journals and reports. */
  sha256: string;
  /** `configuration` (current format) or `tasks` (earlier ballot). */
  shape: 'configuration' | 'tasks';
  product: ProductDeclaration;
  /** Which `configuration[]` entry was chosen (the one marked `default`, else the first). */
  configurationIndex: number;
  tasks: TaskDeclaration[];
}

/** Per-task settings from `rehearsal.yaml` (also valid at the top level, as defaults). */
export interface TaskOverlay {
  name?: string;
  image?: string;
  /** Overrides the kind decided from the declaration's fields. */
  kind?: TaskKind;
  replicas?: number;
  /** HTTP path the sandbox probes for health, e.g. `/health`. Default `/`. */
  healthPath?: string;
  /** Which of the task's ports serves HTTP for health and traffic. Default: the first. */
  httpPort?: number;
  /** Smoke-test command, run against the sandbox URL (exec form). */
  smokeCommand?: string[];
  /** An HTTP path that answers 2xx when the service works end to end; chaos traffic reads it. */
  smokePath?: string;
  /** Journeys of the chaos traffic generator (`traffic:`); defaults when absent. */
  traffic?: TrafficDeclaration;
  /** SCIM 2.0 base path of the service, e.g. `/scim/v2`. */
  scimPath?: string;
  /** A page that needs a login: the SSO check opens it and expects the IdP's login. Default `/login`. */
  loginPath?: string;
  /** Register an OpenID Connect client for the task (default: when it declares `CLIENT_ID` etc.). */
  sso?: boolean;
  /** Environment variable → sandbox-provided value. */
  bind?: Record<string, BindingSource>;
  /** Environment variable → literal value (wins over declared defaults). */
  env?: Record<string, string>;
}

/** A parsed, validated `rehearsal.yaml`. Every field optional in the file; defaults filled in. */
export interface Overlay {
  /** Absolute path, or undefined when there was no overlay file. */
  file?: string;
  profile: ProfileName;
  sandboxName?: string;
  /** Index into `configuration[]` to use instead of the default one. */
  configuration?: number;
  database: { kind: DatabaseKind; version?: string };
  /** Top-level task settings, applied to every task under its own entry. */
  defaults: TaskOverlay;
  /** Keyed by task id, label or name, as written; resolved against the declaration. */
  tasks: Record<string, TaskOverlay & { location: SourceLocation }>;
}

/** The declaration and overlay merged: what the planner consumes. */
export interface LoadedDeclaration {
  declaration: Declaration;
  overlay: Overlay;
  /** Task name → merged overlay settings (defaults, then the task's own entry). */
  taskOverlays: Record<string, TaskOverlay>;
  /** Unknown fields, schema deviations of real-world files, normalisations made. */
  warnings: Problem[];
}

/** One HTTP request of a journey: `{run}`, `{seq}`, `{key}`, `{id}` are filled in when sent. */
export interface RequestDeclaration {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Statuses that count as success. */
  expect: number[];
}

/** A journey of `traffic.journeys`: a request sent `weight` times per cycle. */
export interface JourneyDeclaration extends RequestDeclaration {
  name: string;
  weight: number;
  /** A write: what it acknowledges and how that is read back (the write-then-read ledger). */
  write?: WriteDeclaration;
  /**
   * The protocol document a successful answer must be (derived journeys only, never declared):
   * each answer is validated, and a non-conforming one counted apart from HTTP failures.
   */
  conforms?: 'cds-hooks-discovery' | 'cds-hooks-response';
}

export interface WriteDeclaration {
  /** Unique per write, e.g. "{run}-w{seq}-"; `{key}` in the body and the reads. */
  key: string;
  /** JSON pointer to the acknowledged id in the answer, e.g. /id. */
  id: string;
  /** Read-back during traffic: `{id}` is the acknowledged id. */
  read: RequestDeclaration & { weight: number };
  /** The final check: how many are stored (`count`) and under which ids (`ids`, `*` for any item). */
  verify: { path: string; count?: string; ids?: string };
}

/** A service-issued session: log in once, present the token on `uses` checks. */
export interface SessionDeclaration {
  login: RequestDeclaration & { token: string };
  check: RequestDeclaration;
  uses: number;
  weight: number;
}

/** A persona of the sandbox's IdP whose access token is presented to `path`. */
export interface PersonaDeclaration extends RequestDeclaration {
  persona: string;
  weight: number;
}

export interface WebSocketDeclaration {
  path: string;
  /** Sockets held open at once. */
  sockets: number;
  /** Pause between messages on one socket. */
  intervalMs: number;
}

/** `traffic:` of rehearsal.yaml. Absent parts take the defaults for the service. */
export interface TrafficDeclaration {
  journeys?: JourneyDeclaration[];
  session?: SessionDeclaration | false;
  persona?: PersonaDeclaration | false;
  websocket?: WebSocketDeclaration | false;
  /** Where the service serves its OpenAPI 3 document (journeys are derived from it); default /openapi.json. */
  openapi?: string;
}
