import type { Bounds } from '../../chaos/schedule.js';
import type { ChaosVerdict } from '../../chaos/verdicts.js';
import type { ProfileName } from '../../declaration/types.js';
import type { ContainerProcess, FileChange, ImageDetails } from '../../engine/engine.js';
import type { ServicePlan } from '../../plan/types.js';
import type { TimelineSample } from '../types.js';
import type { LayerScan } from './layers.js';
import type { NetworkFacts } from './netwatch.js';
import type { OfflineFacts } from './offline.js';
import type { TraceFacts } from './traces.js';
import type { StartupFacts } from './startup.js';
import type { Canaries } from '../../traffic/canary.js';

/**
 * What a check run observed, gathered once by sandbox/checks/facts/gather.ts. Each check turns
 * these facts into a verdict with a pure function, so verdict logic is unit-tested with made-up
 * facts and the Docker tests show each check failing and passing on real services.
 */
export interface Facts {
  profile: ProfileName;
  /** Seconds a replica gets between SIGTERM and SIGKILL under the profile. */
  stopBudgetSeconds: number;
  /** How long a replica may take to bootstrap (from an empty database) before it fails. */
  bootstrapBudgetMs: number;
  /** The synthetic patient name planted in requests and the smoke test; must never be logged. */
  canary: string;
  /** Every synthetic PHI value of the run (the name included); none may be logged or written. */
  canaries?: Canaries;
  /** The sandbox came up from nothing (fresh database) with zero intervention. */
  bootstrap: { ok: boolean; ms: number; error?: string };
  tasks: TaskFacts[];
  /** The initialization tasks, each run to completion before the web and worker tasks. */
  initialization?: InitializationFacts[];
  /** Traffic, memory and steps over time, for the HTML report. */
  timeline: TimelineSample[];
  /** The tasks started again on a network with no route out (sandbox/checks/facts/offline.ts). */
  offline?: OfflineFacts;
  /** OIDC logins and SCIM suites of the tasks that declare them; absent when not gathered. */
  identity?: { sso: SsoFacts[]; scim: ScimFacts[] };
  /** The chaos phase, per HTTP task behind the edge; absent when it was not run (`--no-chaos`). */
  chaos?: ChaosFacts[];
}

/** What the check's chaos scenario did to one task and what the chaos verdicts found. */
export interface ChaosFacts {
  service: string;
  /** The JSONL journal of the phase: every action, event and sample. */
  journal: string;
  /** Why the phase could not run for this task. */
  error?: string;
  bounds?: Bounds;
  verdicts?: ChaosVerdict[];
  actions?: {
    text: string;
    ok: boolean;
    detail: string;
    failedRequests: number;
    recoveredMs: number;
  }[];
  traffic?: {
    requests: number;
    errors: Record<string, number>;
    replicas: Record<string, number>;
    acknowledgedWrites: number;
    lostWrites: number;
    /** Where the journeys came from (a CDS Hooks service acknowledges no writes by protocol). */
    origin?: 'declared' | 'reference' | 'cds-hooks' | 'openapi' | 'health';
  };
}

/** How an initialization task ran during bootstrapping, and what it left on its container's disk. */
export interface InitializationFacts {
  service: ServicePlan;
  container?: string;
  /** Undefined when it never ran (the sandbox failed before it). */
  exitCode?: number;
  ms?: number;
  /** `docker diff` of its container after it exited. */
  changes: FileChange[];
  /** Why the changes could not be read. */
  changesError?: string;
}

export interface TaskFacts {
  service: ServicePlan;
  /** `memory_maximum` of the declaration, in bytes. */
  declaredMemoryBytes?: number;
  image?: ImageDetails;
  imageError?: string;
  layers?: LayerScan;
  layersError?: string;
  replicas: ReplicaFacts[];
  traffic?: TrafficFacts;
  smoke?: SmokeFacts;
  /** Requests made straight to a replica under other names, and the absolute URLs answered. */
  hostProbes: HostProbe[];
  /** One replica stopped with SIGTERM and timed. */
  stop?: StopFacts;
  /** Trace ids sent through the edge and the spans that came back (sandbox/checks/facts/traces.ts). */
  traces?: TraceFacts;
  /** Connections and DNS lookups each replica tried during the run (sandbox/checks/facts/netwatch.ts). */
  network?: NetworkFacts;
  /** Read when the sandbox did not come up: how this task's replicas ended, what its ports said. */
  startup?: StartupFacts;
}

export interface ReplicaFacts {
  name: string;
  /** The limit the engine enforced. */
  memoryLimitBytes: number;
  peakMemoryBytes?: number;
  oomKilled: boolean;
  /** Process lists sampled over the run. */
  processSamples: ContainerProcess[][];
  /** `docker diff` after the load. */
  changes: FileChange[];
  /** Output lines seen (stdout and stderr). */
  logLines: number;
  /** Log lines that contain a canary, canaries masked. */
  canaryLines: string[];
  /** Files the replica wrote (docker diff) that contain a canary: `path:line: text`, masked. */
  canaryFiles?: string[];
  /** Written files whose lines repeat the replica's own output: log files under another name. */
  logLikeFiles?: string[];
  /** Why the written files could not be searched. */
  filesUnsearched?: string;
  /** Why the replica was no longer running when read ("OOM-killed", "exited with code 1"). */
  down?: string;
  /** A plain-HTTP request to the task port, straight to the replica. */
  plainHttp?: { ok: boolean; detail: string };
  /** A TLS handshake tried on the task port: it must not speak TLS (the platform does). */
  tls?: { handshake: boolean; detail: string };
}

export interface TrafficFacts {
  sent: number;
  ok: number;
  /** Failed requests, but sessions refused by a replica that did not issue them. */
  failed: number;
  /** Replica (X-Replica header, or the edge's count) → requests it served. */
  byReplica: Record<string, number>;
  errors: Record<string, number>;
  /** Where the journeys came from: rehearsal.yaml ("declared"), the reference API, the health path. */
  origin?: 'declared' | 'reference' | 'cds-hooks' | 'openapi' | 'health';
  /** `name ok/sent` per journey. */
  journeys?: string[];
  /** The journeys (and `name:read` read-backs) answered as expected at least once. */
  answered?: string[];
  /** A journey writes (acknowledged writes are read back). */
  writes?: boolean;
  /** Session checks: how many went to another replica than the issuer, and were refused there. */
  sessions?: { checks: number; byOtherReplica: number; refused: number; examples: string[] };
  /** Where the canaries travelled: declared placeholders, or where they were planted. */
  planted?: string[];
  /** Derived journeys: what they came from ("journeys from CDS Hooks discovery: …"). */
  derivedFrom?: string;
  /** Why no journeys were derived (the discovery probe's answer), when the task was probed. */
  notDerived?: string;
  /** Answers of the derived journeys validated against their protocol's schema. */
  conformance?: { protocol: string; checked: number; invalid: number; examples: string[] };
}

export interface SmokeFacts {
  command: string[];
  exitCode: number;
  ms: number;
  output: string[];
  timedOut: boolean;
  /** The same smoke test against replicas running in another locale and time zone. */
  locale?: { env: Record<string, string>; exitCode: number; output: string[] };
}

export interface HostProbe {
  /** `GET /path` with `Host: name:port` and `X-Forwarded-Proto`. */
  request: string;
  hostUsed: string;
  status?: number;
  error?: string;
  /** Absolute URLs in the answer's headers and body. */
  urls: string[];
}

export interface StopFacts {
  replica: string;
  ms: number;
  exitCode: number;
  /** Still running when the budget ran out: the engine sent SIGKILL. */
  killed: boolean;
  /** The budget the stop was given (the run's profile); default the facts' stop budget. */
  budgetSeconds?: number;
  /** The engine could not stop it at all. */
  error?: string;
  /** It had already stopped (OOM-killed, crashed) before SIGTERM: nothing to time. */
  notRunning?: string;
}

/** A headless OIDC login through the edge (sandbox/checks/facts/identity.ts). */
export interface SsoFacts {
  service: string;
  client: string;
  loginPath: string;
  ok: boolean;
  /** Each hop: method, URL without query values, status, where it redirected. */
  steps: string[];
  /** Why the login did not complete. */
  why?: string;
  /** The persona logged in as. */
  persona?: string;
}

/** The SCIM conformance suite against a task's endpoint. */
export interface ScimFacts {
  service: string;
  path: string;
  results: { id: string; title: string; status: 'pass' | 'fail' | 'skip'; detail: string }[];
  /** Why the suite could not run. */
  error?: string;
}
