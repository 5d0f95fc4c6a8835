import type { RehearsalEvent } from '../../../sandbox/events.js';
import type { Completion } from '../lifecycle.js';

/** A core event with the time the dashboard received it: uptimes and durations need a clock. */
export type TimedEvent = RehearsalEvent & { at: number };

export interface ServiceRow {
  name: string;
  role: string;
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

export interface DashboardResult {
  exitCode: number;
  /** One line for stderr after the dashboard is gone. */
  message: string;
}

/**
 * Everything the dashboard shows. Each key is a slice with its own reducer (reducer.ts); the
 * traffic, chaos and checks panels will add their slices here, fed by their own events.
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
    ui: { showLogs: true, showHelp: false },
  };
}
