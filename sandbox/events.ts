import type { ChaosReport } from './chaos/report.js';
import type { Report as CheckReport } from './checks/types.js';
import type { TrafficSample } from './traffic/figures.js';
import type { RequirementVerdict, RunOutcome } from './verdict.js';

/**
 * A run of `chaos` or `check` has ended: its report and how it came out. Views render the
 * end-of-run output from it (cli/views/run-finished.ts); a failed MUST is an outcome here, not
 * an error.
 */
export type RunFinished = { type: 'run.finished'; outcome: RunOutcome } & (
  | { run: 'chaos'; report: ChaosReport }
  | {
      run: 'check';
      report: CheckReport;
      /** Where `--report` wrote the reports, and the files written there. */
      reports?: { dir: string; files: string[] };
      /** The check's sandbox was left running (`--keep`). */
      kept: boolean;
    }
);

/**
 * Typed events the core emits while it works. Views subscribe: the plain reporter prints them as
 * lines, the Ink dashboard renders them (../shared/DESIGN.md, "Core without UI").
 */
export type RehearsalEvent =
  | {
      type: 'plan.ready';
      sandboxId: string;
      services: { name: string; role: string; kind?: string; replicas: number }[];
      notes: string[];
    }
  | { type: 'state.written'; dir: string; files: string[] }
  | {
      type: 'image.progress';
      image: string;
      action: 'pull' | 'build';
      status: string;
      current?: number;
      total?: number;
    }
  | { type: 'image.ready'; image: string; action: 'present' | 'pulled' | 'built'; ms: number }
  | { type: 'resource.ready'; kind: 'network' | 'volume'; name: string }
  | { type: 'replica.created'; service: string; replica: number; container: string }
  | { type: 'replica.started'; service: string; replica: number; container: string }
  | {
      type: 'replica.healthy';
      service: string;
      replica: number;
      container: string;
      ms: number;
      /** The container's id: a later replica may reuse the name. */
      id?: string;
    }
  | {
      type: 'replica.stopping';
      service: string;
      replica: number;
      container: string;
      reason: string;
    }
  | { type: 'replica.removed'; service: string; replica: number; container: string }
  | { type: 'replica.killed'; service: string; replica: number; container: string; signal: string }
  | {
      type: 'replica.died';
      service: string;
      replica: number;
      container: string;
      exitCode: number;
      oomKilled: boolean;
    }
  | { type: 'replica.replaced'; service: string; died: string; replacement: string; ms: number }
  | {
      /** One resource sample of a running replica (sandbox/sandbox/monitor.ts, every few seconds). */
      type: 'replica.stats';
      service: string;
      replica: number;
      container: string;
      memoryBytes: number;
      /** The container's memory limit; the host's memory when it has none. */
      memoryLimitBytes: number;
      /** Of one core: 100 is one core busy, 250 two and a half. */
      cpuPercent: number;
    }
  | {
      type: 'scale.planned';
      service: string;
      from: number;
      to: number;
      adding: string[];
      removing: string[];
    }
  | { type: 'sandbox.ready'; sandboxId: string; ms: number; replicas: number }
  /** What an interrupted run had left (paused, cut off, counts changed) and was put right. */
  | { type: 'sandbox.repaired'; sandboxId: string; repairs: string[] }
  | {
      type: 'sandbox.removed';
      sandboxId: string;
      containers: number;
      networks: number;
      volumes: number;
    }
  /** An initialization task runs to completion before the web and worker tasks start. */
  | { type: 'init.started'; service: string; container: string }
  | {
      type: 'init.finished';
      service: string;
      container: string;
      exitCode: number;
      ms: number;
      /** It had completed in an earlier `up` with the same configuration: not run again. */
      earlier?: boolean;
    }
  | { type: 'cron.started'; service: string; container: string; schedule: string }
  | { type: 'cron.finished'; service: string; container: string; exitCode: number; ms: number }
  | {
      /** A chaos run starts (sandbox/chaos/run.ts): its seed repeats it. */
      type: 'chaos.planned';
      seed: number;
      actions: number;
      durationMs: number;
      journal?: string;
    }
  | { type: 'chaos.action'; seq: number; kind: string; description: string; atMs: number }
  | {
      type: 'chaos.result';
      seq: number;
      kind: string;
      ok: boolean;
      ms: number;
      /** What happened: the container touched, the time a stop took, why it failed. */
      detail: string;
      /** Requests that failed between the action's start and the sandbox's recovery. */
      failedRequests: number;
    }
  /** Live traffic figures for the last interval (sandbox/traffic/figures.ts). */
  | ({ type: 'traffic.sample' } & TrafficSample)
  /** One requirement judged, by a chaos run or a conformance check (sandbox/verdict.ts). */
  | ({ type: 'requirement.judged' } & RequirementVerdict)
  /** A conformance check run (sandbox/checks/): what it is doing now. */
  | { type: 'check.step'; text: string }
  | RunFinished
  /** A task's journeys were derived from what it publishes ("journeys from CDS Hooks discovery: …"). */
  | { type: 'traffic.derived'; service: string; text: string }
  | { type: 'warning'; message: string };

export type Emit = (event: RehearsalEvent) => void;

/** An emitter that drops everything: for callers that need no progress. */
export const silent: Emit = () => undefined;
