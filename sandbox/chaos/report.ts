/** What a chaos run is given and what it reports: its settings, each action's result, the run. */

import type { Canaries } from '../traffic/canary.js';
import type { TaskOverlay } from '../declaration/types.js';
import type { JourneyCounts, TrafficGenerator } from '../traffic/generator.js';
import type { TrafficSpec } from '../traffic/journeys.js';
import type { NonConforming } from '../traffic/conformance.js';
import type { WriteCheck } from '../traffic/ledger.js';
import type { WebSocketFigures } from '../traffic/websocket-traffic.js';
import type { ChaosAction } from './action.js';
import type { JournalHead } from './journal.js';
import type { ChaosPlatform } from './platform.js';
import type { RecoveryFigures } from './recovery-figures.js';
import type { ChaosVerdict } from './verdicts.js';
import type { WorkerFault } from './workers.js';

export interface ChaosSettings {
  seed: number;
  durationMs: number;
  /** Chaos actions per minute (random mode). */
  perMinute: number;
  /** A scripted scenario or a replayed journal's actions; random from the seed when absent. */
  actions?: ChaosAction[];
  mode: JournalHead['mode'];
  /** The task to aim at (default: the first task behind the TLS edge). */
  service?: string;
  /** Traffic: requests per second and in flight. */
  rps?: number;
  concurrency?: number;
  /** rehearsal.yaml's settings per task: `traffic:` and the smoke path shape the journeys. */
  overlays?: Record<string, Pick<TaskOverlay, 'traffic' | 'smokePath'>>;
  /** The synthetic PHI journeys' placeholders stand for (default: a fresh set). */
  canaries?: Canaries;
  /** Fault the worker tasks too, after the actions (default true; `check` times stops itself). */
  workers?: boolean;
}

/** One action as it ran. */
export interface ActionResult {
  action: ChaosAction;
  startAt: number;
  endAt: number;
  ok: boolean;
  detail: string;
  /** Requests (and WebSocket handshakes) that failed in its window, each counted once. */
  failedRequests: number;
  /** WebSockets that dropped in its window (each reconnected). */
  socketDrops: number;
  /** WebSocket messages left unanswered on a replica it held up (stalled, not lost). */
  stalledMessages?: number;
  recoveredMs: number;
  /** kill: time from the kill until a replacement was healthy (on Swarm: by Swarm's health check). */
  replacementHealthyMs?: number;
  /** kill: time from the kill until a replacement answered traffic. */
  replacementServingMs?: number;
}

export interface ChaosReport {
  /** Who repaired the faults: Rehearsal's supervisor on plain Docker, or Swarm. */
  engine: ChaosPlatform['engine'];
  seed: number;
  sandboxId: string;
  service: string;
  journal: string;
  interrupted: boolean;
  actions: ActionResult[];
  /** The faults on the worker tasks (kill, stop, scale up and back) and how each healed. */
  workers?: WorkerFault[];
  verdicts: ChaosVerdict[];
  /** Kill → replacement figures of this run, and of the last run on the other engine. */
  recovery: { this: RecoveryFigures; other?: RecoveryFigures };
  traffic: TrafficReport;
}

export interface TrafficReport {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: Record<string, number>;
  replicas: Record<string, number>;
  acknowledgedWrites: number;
  lostWrites: number;
  /** Acknowledged writes the final read-back found more than once. */
  duplicatedWrites: number;
  /** Failed answers that came from the edge itself: no replica ever got those requests. */
  unrouted: number;
  /** Where the journeys came from, and how each fared. */
  origin: TrafficSpec['origin'];
  /** Derived journeys: what they came from ("journeys from CDS Hooks discovery: …"). */
  derivedFrom?: string;
  journeys: JourneyCounts;
  /** Answers checked against the derived journeys' protocol, and the first that did not conform. */
  conformance?: { checked: number; invalid: number; examples: NonConforming[] };
  websocket?: WebSocketFigures;
  /** The first lost WebSocket messages (at most 10): when each was sent and which replica held it. */
  websocketLost?: { at: number; replica: string; message: string }[];
}

/**
 * The traffic of a run that lasted `endMs`: its figures, replicas by container name, and the
 * acknowledged writes that the final read-back (`checks`) no longer found.
 */
export function trafficReport(
  traffic: TrafficGenerator,
  spec: TrafficSpec,
  endMs: number,
  checks: WriteCheck[],
  byName: (counts: Record<string, number>) => Record<string, number>,
  nameOf: (replica: string) => string = (r) => r,
): TrafficReport {
  const overall = traffic.figures.overall();
  const seconds = Math.max(0.001, endMs / 1000);
  return {
    requests: traffic.figures.total.requests,
    seconds: Math.round(seconds * 10) / 10,
    rps: Math.round((traffic.figures.total.requests / seconds) * 10) / 10,
    ...overall,
    errors: traffic.figures.total.errors,
    replicas: byName(traffic.figures.total.replicas),
    acknowledgedWrites: traffic.ledger.acked().length,
    lostWrites: checks.filter((c) => c.found === 0).length,
    duplicatedWrites: checks.filter((c) => c.found > 1).length,
    unrouted: traffic.ledger.failures.filter((f) => f.cause.startsWith('HTTP ') && !f.replica)
      .length,
    origin: spec.origin,
    ...(spec.derivedFrom ? { derivedFrom: spec.derivedFrom } : {}),
    journeys: traffic.journeys,
    ...(traffic.conformance.checked > 0
      ? {
          conformance: {
            checked: traffic.conformance.checked,
            invalid: traffic.conformance.invalid,
            examples: traffic.conformance.examples,
          },
        }
      : {}),
    ...(traffic.websocket
      ? {
          websocket: traffic.websocket.figures,
          websocketLost: traffic.websocket.lostMessages
            .slice(0, 10)
            .map((m) => ({ ...m, replica: nameOf(m.replica) })),
        }
      : {}),
  };
}
