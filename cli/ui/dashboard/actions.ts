import type { Completion } from '../lifecycle.js';
import type {
  ChaosView,
  ChecklistView,
  DashboardResult,
  DashboardState,
  ReplicaHealthView,
  ServiceRow,
  TimedEvent,
  Tone,
  TrafficView,
} from './state.js';

/** A replica as `status` saw it when the dashboard took over: seeds the table. */
export interface SnapshotRow {
  container: string;
  service: string;
  replica: number;
  running: boolean;
  health: ReplicaHealthView;
  uptimeSeconds?: number;
  memoryLimitBytes: number;
}

/** What the dashboard itself does to its state, besides the core's events. */
export type UiAction =
  | {
      type: 'ui.plan';
      sandboxId: string;
      product: string;
      services: ServiceRow[];
      /** The TLS edge's URL of each HTTP task, when the sandbox has an edge. */
      endpoints?: { service: string; url: string }[];
    }
  | {
      type: 'ui.snapshot';
      at: number;
      replicas: SnapshotRow[];
      /** Service → the replica count `up` settled on (it keeps a running count it was not told to change). */
      desired?: Record<string, number>;
    }
  | { type: 'ui.log'; container: string; text: string }
  | { type: 'ui.tick'; now: number }
  | { type: 'ui.select'; delta: number }
  | { type: 'ui.toggle'; panel: 'logs' | 'help' }
  | { type: 'ui.prompt'; prompt?: 'quit' }
  | { type: 'ui.busy'; text?: string }
  | { type: 'ui.notice'; text: string; tone: Tone }
  | { type: 'ui.phase'; phase: DashboardState['phase'] }
  | { type: 'ui.printed'; upTo: number }
  | { type: 'ui.traffic'; source: TrafficView['source']; service?: string }
  | {
      type: 'ui.chaos';
      state: ChaosView['state'];
      seed?: number;
      journal?: string;
      bounds?: ChaosView['bounds'];
      schedule?: { seq: number; atMs: number; description: string }[];
      /** Why it is off now (finished, stopped, failed). */
      ended?: string;
    }
  | { type: 'ui.checks'; state: ChecklistView['state']; summary?: string }
  | { type: 'ui.outcome'; outcome: Completion<DashboardResult> };

export type DashboardAction = TimedEvent | UiAction;
