import type { RehearsalEvent } from '../../../sandbox/events.js';
import type { Completion } from '../lifecycle.js';

/** A core event with the time the dashboard received it: uptimes and durations need a clock. */
export type TimedEvent = RehearsalEvent & { at: number };

export interface ServiceRow {
  name: string;
  role: string;
  /** web, worker, initialization or cron: a declared task's kind. */
  kind?: string;
  /** An initialization task's progress: "running", "completed in 2.1 s", "failed: exit 3". */
  progress?: string;
  desired: number;
  min: number;
  max?: number;
  /** The declared memory limit; undefined when the service has none. */
  memoryLimitBytes?: number;
}

export type ReplicaState = 'created' | 'running' | 'stopping' | 'killed' | 'exited';
export type ReplicaHealthView = 'starting' | 'healthy' | 'unhealthy' | 'stopped' | 'unknown';

export interface ReplicaRow {
  container: string;
  service: string;
  replica: number;
  state: ReplicaState;
  health: ReplicaHealthView;
  /** Epoch ms when it started, for the uptime column. */
  startedAt?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
  cpuPercent?: number;
  exitCode?: number;
  oomKilled?: boolean;
  /** Filled from traffic events once the traffic generator emits them; not before. */
  requestsPerSecond?: number;
}

export interface ImageProgress {
  image: string;
  action: 'pull' | 'build';
  status: string;
  /** Layer id → bytes done/total (pulls). */
  layers: Record<string, { current: number; total: number }>;
  /** `Step 3/8` of a classic build, when the engine says it. */
  step?: [number, number];
}

export interface LogBuffer {
  /** The last LOG_LINES lines, oldest first. */
  lines: string[];
  /** How many older lines were dropped to keep the buffer bounded. */
  dropped: number;
}

export type Tone = 'good' | 'bad' | 'warn' | 'plain';

/** A line that is done changing: printed once above the live area (Ink's `<Static>`). */
export interface FinishedLine {
  seq: number;
  text: string;
  tone: Tone;
}

export interface FinishedLines {
  /** Bumped when printed lines are dropped: the `<Static>` that showed them is replaced. */
  epoch: number;
  items: FinishedLine[];
  next: number;
}

export interface UiState {
  /** The selected replica's container name (kept across a replacement of the same name). */
  selected?: string;
  showLogs: boolean;
  showHelp: boolean;
  prompt?: 'quit';
  /** What is running now, e.g. "scaling patient-api to 4…". */
  busy?: string;
}

/** One second of traffic as the panels need it. */
export interface TrafficPoint {
  rps: number;
  requests: number;
  failed: number;
}

export interface TrafficView {
  /** Who sends traffic: nobody, the dashboard's own generator (`t`), or a chaos run. */
  source: 'off' | 'own' | 'chaos';
  service?: string;
  /** The last TRAFFIC_POINTS samples, oldest first: the sparkline. */
  points: TrafficPoint[];
  /** The latest sample's figures. */
  last?: {
    rps: number;
    p50Ms: number;
    p99Ms: number;
    errors: Record<string, number>;
    /** Container → its share of the responses in the last sample (0..1). */
    share: Record<string, number>;
  };
  total: { requests: number; failed: number };
}

export interface ChaosStep {
  seq: number;
  atMs: number;
  description: string;
  outcome?: { ok: boolean; ms: number; detail: string; failedRequests: number };
}

export interface ChaosView {
  state: 'off' | 'starting' | 'on' | 'stopping';
  seed?: number;
  journal?: string;
  bounds?: { min: number; max: number; initial: number };
  /** The planned actions not yet started (the first is the next). */
  upcoming: ChaosStep[];
  /** Started actions, newest last, at most CHAOS_RECENT. */
  recent: ChaosStep[];
  started: number;
  total: number;
  /** How the last run ended, for the panel once it is off. */
  ended?: string;
}

/** A verdict of the checklist: a check's or a chaos run's, with its reason. */
export interface ChecklistVerdict {
  verdict: 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-checked';
  why?: string;
}

export interface ChecklistView {
  /** A check run: none yet, running, or done. */
  state: 'idle' | 'running' | 'done';
  /** What the running check does now. */
  step?: string;
  /** Requirement id → the check run's verdict. */
  checks: Record<string, ChecklistVerdict>;
  /** Requirement id → chaos verdicts bearing on it (a requirement may get two: scalable, stateless). */
  chaos: Record<string, { name: string; verdict: ChecklistVerdict }[]>;
  /** The last run's one-line outcome. */
  summary?: string;
}

export interface DashboardResult {
  exitCode: number;
  /** One line for stderr after the dashboard is gone. */
  message: string;
}

/**
 * Everything the dashboard shows. Each key is a slice with its own reducer (reducer.ts), fed by
 * the core's events and the dashboard's own `ui.*` actions.
 */
export interface DashboardState {
  sandboxId?: string;
  product?: string;
  endpoints: { service: string; url: string }[];
  phase: 'starting' | 'running' | 'stopping' | 'stopped';
  now: number;
  services: ServiceRow[];
  replicas: ReplicaRow[];
  images: ImageProgress[];
  logs: Record<string, LogBuffer>;
  finished: FinishedLines;
  traffic: TrafficView;
  chaos: ChaosView;
  checklist: ChecklistView;
  ui: UiState;
  outcome?: Completion<DashboardResult>;
}

export function initialState(now: number): DashboardState {
  return {
    phase: 'starting',
    endpoints: [],
    now,
    services: [],
    replicas: [],
    images: [],
    logs: {},
    finished: { epoch: 0, items: [], next: 0 },
    traffic: { source: 'off', points: [], total: { requests: 0, failed: 0 } },
    chaos: { state: 'off', upcoming: [], recent: [], started: 0, total: 0 },
    checklist: { state: 'idle', checks: {}, chaos: {} },
    ui: { showLogs: true, showHelp: false },
  };
}
