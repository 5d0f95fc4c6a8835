import type { Problem, SourceLocation } from '../errors.js';

/** Requirement profiles (DESIGN.md, "Requirement profiles"). */
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

/** One `configuration[].task` (or earlier-ballot `tasks[]`) entry, normalised. */
export interface TaskDeclaration {
  id: string;
  label: string;
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
  replicas?: number;
  /** HTTP path the sandbox probes for health, e.g. `/health`. Default `/`. */
  healthPath?: string;
  /** Which of the task's ports serves HTTP for health and traffic. Default: the first. */
  httpPort?: number;
  /** Smoke-test command, run against the sandbox URL (exec form). */
  smokeCommand?: string[];
  /** SCIM 2.0 base path of the service, e.g. `/scim/v2`. */
  scimPath?: string;
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
