import type { DatabaseKind, ProfileName, TaskKind } from '../declaration/types.js';
import type { ImageRef } from '../images/catalogue.js';
import type { IdpPlan } from './idp.js';
import type { ScimPlan } from './scim.js';

/** A Docker health check in compose terms; durations in milliseconds. */
export interface HealthcheckPlan {
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** How the sandbox decides a replica of a task is healthy: an HTTP probe from the host. */
export interface HttpProbePlan {
  port: number;
  path: string;
}

/**
 * One compose service. Environment values use compose's interpolation syntax: `${NAME}` names a
 * per-sandbox secret (resolved from `Plan.secrets`), and a literal `$` is written `$$`. The engine
 * interpolates exactly as `docker compose` would, so the YAML on disk and the containers agree.
 */
export interface ServicePlan {
  name: string;
  /**
   * `task`: long-running replicas, supervised, scaled and faulted (web and worker tasks);
   * `init`: an initialization task, run to completion before them; `cron`: on its schedule.
   */
  role: 'task' | 'init' | 'cron' | 'database' | 'proxy' | 'idp' | 'collector';
  /** The declared task's kind (declared tasks only), as sandbox/declaration/kind.ts decided it. */
  kind?: TaskKind;
  /** The declaration's task id (declared tasks only). */
  taskId?: string;
  label?: string;
  image: ImageRef;
  command?: string[];
  environment: Record<string, string>;
  replicas: number;
  instancesMinimum: number;
  instancesMaximum?: number;
  memoryBytes?: number;
  /** `memory_minimum`: what a replica needs to run (exports use it as the memory request). */
  memoryRequestBytes?: number;
  /** Internal ports; each replica publishes them on 127.0.0.1 at an ephemeral host port… */
  ports: number[];
  /** …unless it is given a fixed host port here (internal port → host port). */
  hostPorts?: Record<number, number>;
  /** Files the sandbox writes into each replica before it starts. */
  files?: FilePlan[];
  probe?: HttpProbePlan;
  healthcheck?: HealthcheckPlan;
  volumes: { volume: string; target: string }[];
  dependsOn: string[];
  aliases: string[];
  stopGraceSeconds: number;
  cron?: string;
}

/** A file from the sandbox's state folder, copied into a container at `target`. */
export interface FilePlan {
  /** Path relative to `Plan.stateDir`. */
  source: string;
  target: string;
  mode: number;
  /** Owner inside the container (default root). */
  uid?: number;
}

/** The TLS edge: where it listens and which hostname reaches which task. */
export interface ProxyPlan {
  service: string;
  /** Host port on 127.0.0.1 (8443 unless configured). */
  port: number;
  adminPort: number;
  /** Hostname → task service and port. */
  routes: { host: string; service: string; port: number }[];
}

export interface UnboundVariable {
  service: string;
  key: string;
  description: string;
}

/** Everything `up` needs, derived from the declaration and overlay without touching Docker. */
export interface Plan {
  sandboxId: string;
  /** `.rehearsal/<sandbox>` under the working directory: compose.yaml, .env, plan.json. */
  stateDir: string;
  declarationFile: string;
  declarationSha256: string;
  productName: string;
  profile: ProfileName;
  database: { kind: DatabaseKind; service?: string };
  network: string;
  /** Absent when no task serves HTTP. */
  proxy?: ProxyPlan;
  /** The identity provider, when a task needs SSO. */
  idp?: IdpPlan;
  /** Tasks with a SCIM endpoint Rehearsal provisions and tests. */
  scim?: ScimPlan[];
  services: ServicePlan[];
  volumes: string[];
  /** Secret name → value. Never printed, never in compose.yaml; written to `.env` (0600). */
  secrets: Record<string, string>;
  /** Required variables with no default, no binding and no value: `up` refuses while any remain. */
  unbound: UnboundVariable[];
  /** Things the user should know about the plan (not errors). */
  notes: string[];
}
