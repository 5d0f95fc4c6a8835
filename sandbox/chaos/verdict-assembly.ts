/** The four verdicts of a chaos run, from what it recorded while it ran. */

import { hasWrites, type TrafficSpec } from '../traffic/journeys.js';
import type { SessionUse, WriteCheck } from '../traffic/ledger.js';
import {
  ephemeralVerdict,
  incorruptibleVerdict,
  scalableVerdict,
  statelessVerdict,
  type EphemeralCheck,
  type KillMark,
  type NewReplica,
  type ChaosRequirement,
  type ScaleDown,
  type StopTiming,
  type ChaosVerdict,
} from './verdicts.js';

/** How the sandbox recovered after each action: the last failure, else the slowest recovery. */
export class RecoveryTally {
  private state = { ok: true, detail: 'every fault repaired itself', slowestMs: 0 };

  /**
   * The recovery of the action `label` (`#3 kill`) that began at `startAt`. A recovery cut short
   * by Ctrl-C (`interrupted`) is no failure of the service.
   */
  note(
    label: string,
    startAt: number,
    back: { ok: boolean; at: number; detail: string },
    interrupted: boolean,
  ): void {
    const ms = back.at - startAt;
    if (!back.ok && !interrupted)
      this.state = { ok: false, detail: `after ${label}: ${back.detail}`, slowestMs: ms };
    else if (this.state.ok && ms > this.state.slowestMs)
      this.state = { ...this.state, slowestMs: ms };
  }

  /** What the incorruptible verdict says of recovery. */
  outcome(): { ok: boolean; detail: string } {
    const { ok, detail, slowestMs } = this.state;
    return {
      ok,
      detail: ok
        ? `every fault repaired itself (slowest in ${(slowestMs / 1000).toFixed(1)} s)`
        : detail,
    };
  }
}

/** What a run recorded that the verdicts are decided on. */
export interface RunRecord {
  spec: TrafficSpec;
  /** Read-backs after each replace-all. */
  ephemeral: EphemeralCheck[];
  sessions: SessionUse[];
  /** The final read-back of every acknowledged write. */
  checks: WriteCheck[];
  kills: KillMark[];
  recovery: RecoveryTally;
  added: NewReplica[];
  downs: ScaleDown[];
  stops: StopTiming[];
  /** When the run ended, on its clock. */
  end: number;
  name: (replica: string) => string;
}

/** Why a spec of this origin has no write journey. */
const NO_WRITES: Partial<Record<RunRecord['spec']['origin'], string>> = {
  health:
    'the default traffic of a service other than the reference only reads its health (and smoke) path',
  'cds-hooks':
    'the journeys derived from CDS Hooks discovery are hook calls, answered from their request, and CDS Hooks has no way to read back anything a service keeps (`rehearsal check` calls these not applicable)',
  openapi:
    'the OpenAPI document has no POST whose answer carries an id together with a GET of that item to read it back',
};

/**
 * Ephemeral, stateless, incorruptible and scalable, in that order. Without a write journey the
 * two verdicts about data are not checked, saying how to declare one.
 */
export function decideVerdicts(r: RunRecord): ChaosVerdict[] {
  const noWrites = hasWrites(r.spec)
    ? undefined
    : `no write journey: ${NO_WRITES[r.spec.origin] ?? 'none of the declared journeys has "write:"'}; declare one under traffic.journeys in rehearsal.yaml`;
  return [
    noWrites ? notChecked('ephemeral', noWrites) : ephemeralVerdict(r.ephemeral, r.name),
    statelessVerdict(r.sessions, r.name),
    noWrites
      ? notChecked('incorruptible', noWrites)
      : incorruptibleVerdict(r.checks, r.kills, r.recovery.outcome(), r.name),
    scalableVerdict(r.added, r.downs, r.stops, r.end),
  ];
}

function notChecked(requirement: ChaosRequirement, why: string): ChaosVerdict {
  return { requirement, outcome: 'not-checked', summary: why, evidence: [] };
}
