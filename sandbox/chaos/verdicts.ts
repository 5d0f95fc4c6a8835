import type { SessionUse, WriteCheck, WriteRecord } from '../traffic/ledger.js';
import type { RunFinished } from '../events.js';
import { runOutcome, type Outcome, type RequirementVerdict } from '../verdict.js';
import type { ChaosReport } from './report.js';

/** What a chaos run judges. Each is a MUST of the packaging document. */
export type ChaosRequirement = 'ephemeral' | 'stateless' | 'incorruptible' | 'scalable';

/**
 * One chaos verdict, as the chaos report keeps it: pass, fail, or not checked (the run had no
 * action that could decide it). `chaosVerdict` gives it as the shared `RequirementVerdict`.
 */
export interface ChaosVerdict {
  requirement: ChaosRequirement;
  outcome: Extract<Outcome, 'pass' | 'fail' | 'not-checked'>;
  summary: string;
  /** What was seen, most telling first (at most a dozen lines). */
  evidence: string[];
}

/** A chaos verdict in the vocabulary every verdict shares. */
export function chaosVerdict(v: ChaosVerdict): RequirementVerdict {
  return { source: 'chaos', title: v.requirement, severity: 'MUST', ...v };
}

/** The end of a chaos run that ended by itself: its report, and exit 1 when a verdict failed. */
export function chaosFinished(report: ChaosReport): RunFinished {
  const outcome = runOutcome(report.verdicts.map(chaosVerdict));
  return { type: 'run.finished', run: 'chaos', report, outcome };
}

const MAX_EVIDENCE = 12;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const names = (replica: string | undefined, name: (r: string) => string) =>
  replica ? name(replica) : 'an unknown replica';

/** After a replace-all: which writes acknowledged before it were still there. */
export interface EphemeralCheck {
  at: number;
  checks: WriteCheck[];
}

/** Ephemeral: after every replica is replaced, all data acknowledged before is still there. */
export function ephemeralVerdict(
  checks: EphemeralCheck[],
  name: (r: string) => string,
): ChaosVerdict {
  const requirement = 'ephemeral';
  if (checks.length === 0)
    return {
      requirement,
      outcome: 'not-checked',
      summary: 'no replace-all in this run',
      evidence: [],
    };
  const evidence: string[] = [];
  let missing = 0;
  let total = 0;
  for (const c of checks) {
    const lost = c.checks.filter((x) => x.found === 0);
    missing += lost.length;
    total += c.checks.length;
    evidence.push(
      `after every replica was replaced at ${s(c.at)}: ${c.checks.length - lost.length} of ${c.checks.length} writes acknowledged before were readable`,
    );
    for (const x of lost.slice(0, MAX_EVIDENCE))
      evidence.push(
        `${resourceOf(x.write)} (acknowledged by ${names(x.write.replica, name)} at ${s(x.write.at)}) is gone after the replacement at ${s(c.at)}`,
      );
  }
  if (total === 0)
    return {
      requirement,
      outcome: 'not-checked',
      summary: 'no write was acknowledged before a replace-all',
      evidence,
    };
  return missing === 0
    ? {
        requirement,
        outcome: 'pass',
        summary: `all ${total} acknowledged writes survived replacing every replica`,
        evidence,
      }
    : {
        requirement,
        outcome: 'fail',
        summary: `${missing} acknowledged write(s) vanished with the replicas that took them: data is kept in the container`,
        evidence: evidence.slice(0, MAX_EVIDENCE),
      };
}

/** Stateless: a session established through one replica is honoured by every other. */
export function statelessVerdict(uses: SessionUse[], name: (r: string) => string): ChaosVerdict {
  const requirement = 'stateless';
  const elsewhere = uses.filter((u) => u.replica !== u.issuer);
  const refused = uses.filter((u) => u.status === 401 || u.status === 403);
  const honoured = elsewhere.filter((u) => u.status === 200);
  const replicas = new Set(honoured.map((u) => u.replica));
  if (refused.length > 0) {
    return {
      requirement,
      outcome: 'fail',
      summary: `${refused.length} of ${uses.length} session checks refused a valid token: sessions live in one replica`,
      evidence: refused
        .slice(0, MAX_EVIDENCE)
        .map((u) =>
          u.persona
            ? `${u.persona}'s IdP access token (honoured by ${name(u.issuer)}) refused by ${name(u.replica)} (HTTP ${u.status}) at ${s(u.at)}`
            : `session #${u.session} issued by ${name(u.issuer)} refused by ${name(u.replica)} (HTTP ${u.status}) at ${s(u.at)}`,
        ),
    };
  }
  if (honoured.length === 0)
    return {
      requirement,
      outcome: 'not-checked',
      summary: 'no session reached a replica other than its issuer',
      evidence: [],
    };
  const personas = honoured.filter((u) => u.persona);
  const byPersona = [...new Set(personas.map((u) => u.persona))];
  return {
    requirement,
    outcome: 'pass',
    summary:
      `${honoured.length} session checks on a replica other than the issuer were all honoured (${replicas.size} replicas)` +
      (personas.length
        ? `, ${personas.length} of them with an IdP access token of ${byPersona.join(', ')}`
        : ''),
    evidence: [
      ...byPersona.map(
        (p) =>
          `${p}'s IdP access token honoured by ${new Set(personas.filter((u) => u.persona === p).map((u) => u.replica)).size} replica(s) besides the first`,
      ),
      ...[...replicas].map((r) => `${name(r)} honoured sessions issued by other replicas`),
    ].slice(0, MAX_EVIDENCE),
  };
}

/** A SIGKILL and when it happened, to explain a lost write. */
export interface KillMark {
  at: number;
  container: string;
}

/**
 * Incorruptible: after SIGKILLs during writes, no acknowledged write is lost or duplicated, the
 * service comes back without repair, and what it stored is what it acknowledged.
 */
export function incorruptibleVerdict(
  checks: WriteCheck[],
  kills: KillMark[],
  recovered: { ok: boolean; detail: string },
  name: (r: string) => string,
): ChaosVerdict {
  const requirement = 'incorruptible';
  if (kills.length === 0)
    return {
      requirement,
      outcome: 'not-checked',
      summary: 'no replica was SIGKILLed in this run',
      evidence: [],
    };
  // Nothing written, nothing to lose: coming back by itself alone does not make a pass.
  if (checks.length === 0)
    return {
      requirement,
      outcome: recovered.ok ? 'not-checked' : 'fail',
      summary: recovered.ok
        ? `no write was acknowledged in this run (no write journey, or every write failed), so none could be lost; ${recovered.detail}`
        : `did not come back by itself: ${recovered.detail}`,
      evidence: recovered.ok ? [] : [`did not come back by itself: ${recovered.detail}`],
    };
  const lost = checks.filter((c) => c.found === 0);
  const doubled = checks.filter((c) => c.found > 1);
  const wrong = checks.filter((c) => c.found === 1 && !c.sameId);
  const unknown = checks.filter((c) => c.found < 0);
  const evidence: string[] = [];
  for (const c of lost)
    evidence.push(`lost: ${describeWrite(c.write, name)}${nearestKill(c.write, kills)}`);
  for (const c of doubled) evidence.push(`duplicated ×${c.found}: ${describeWrite(c.write, name)}`);
  for (const c of wrong)
    evidence.push(`stored under another id than acknowledged: ${describeWrite(c.write, name)}`);
  for (const c of unknown)
    evidence.push(`could not be checked (${c.error}): ${describeWrite(c.write, name)}`);
  if (!recovered.ok) evidence.unshift(`did not come back by itself: ${recovered.detail}`);
  const bad = lost.length + doubled.length + wrong.length + unknown.length;
  if (bad > 0 || !recovered.ok) {
    return {
      requirement,
      outcome: 'fail',
      summary: `${lost.length} lost, ${doubled.length} duplicated, ${wrong.length} altered, ${unknown.length} unverifiable of ${checks.length} acknowledged writes after ${kills.length} SIGKILL(s)`,
      evidence: evidence.slice(0, MAX_EVIDENCE),
    };
  }
  return {
    requirement,
    outcome: 'pass',
    summary: `${checks.length} acknowledged writes, each found exactly once, after ${kills.length} SIGKILL(s); ${recovered.detail}`,
    evidence: kills.slice(0, MAX_EVIDENCE).map((k) => `SIGKILL ${k.container} at ${s(k.at)}`),
  };
}

function describeWrite(w: WriteRecord, name: (r: string) => string): string {
  return `${resourceOf(w)} acknowledged (HTTP ${w.status}) by ${names(w.replica, name)} at ${s(w.at)}`;
}

/** How a write is named in evidence: where it is read back, e.g. "Patient/123". */
function resourceOf(w: WriteRecord): string {
  return w.resource ?? `${w.journey} #${w.seq} (id ${w.id ?? 'none'})`;
}

function nearestKill(w: WriteRecord, kills: KillMark[]): string {
  const after = kills.filter((k) => k.at >= w.at).sort((a, b) => a.at - b.at)[0];
  return after ? `, ${s(after.at - w.at)} before ${after.container} was SIGKILLed` : '';
}

/** A replica that became healthy during the run, and when it first answered traffic. */
export interface NewReplica {
  container: string;
  healthyAt: number;
  firstServedAt?: number;
  /** When it was removed again, if it was. */
  goneAt?: number;
}

/** A scale-down: the requests that failed while it drained and stopped replicas. */
export interface ScaleDown {
  seq: number;
  from: number;
  to: number;
  startAt: number;
  endAt: number;
  failed: { at: number; cause: string }[];
}

/** A replica asked to stop with SIGTERM, and how long it took. */
export interface StopTiming {
  container: string;
  at: number;
  ms: number;
  budgetMs: number;
  /** 137 when the engine had to SIGKILL it at the end of the budget; undefined when not known. */
  exitCode?: number;
}

/**
 * Dynamically scalable: a new replica takes traffic within seconds of becoming healthy, a drained
 * scale-down fails no request, and a replica stops on SIGTERM within the stop budget.
 */
export function scalableVerdict(
  added: NewReplica[],
  downs: ScaleDown[],
  stops: StopTiming[],
  end: number,
  withinMs = 10_000,
): ChaosVerdict {
  const requirement = 'scalable';
  // A replica removed (or the run ended) before the deadline had no fair chance: not judged.
  const judged = added.filter(
    (a) =>
      a.firstServedAt !== undefined || Math.min(a.goneAt ?? end, end) - a.healthyAt >= withinMs,
  );
  const late = judged.filter(
    (a) => a.firstServedAt === undefined || a.firstServedAt - a.healthyAt > withinMs,
  );
  const failingDowns = downs.filter((d) => d.failed.length > 0);
  const slow = stops.filter((t) => t.exitCode === 137 || t.ms >= t.budgetMs - 250);
  const evidence: string[] = [];
  for (const t of slow)
    evidence.push(
      `${t.container} ignored SIGTERM at ${s(t.at)}: still running after ${s(t.ms)} (stop budget ${s(t.budgetMs)}), then SIGKILLed${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ''}`,
    );
  for (const a of late)
    evidence.push(
      a.firstServedAt === undefined
        ? `${a.container} healthy at ${s(a.healthyAt)} but served no request`
        : `${a.container} healthy at ${s(a.healthyAt)}, first request only at ${s(a.firstServedAt)}`,
    );
  for (const d of failingDowns)
    evidence.push(
      `scale-down #${d.seq} ${d.from} → ${d.to} (${s(d.startAt)}–${s(d.endAt)}) failed ${d.failed.length} request(s): ${[...new Set(d.failed.map((f) => f.cause))].join(', ')}`,
    );
  if (judged.length === 0 && downs.length === 0 && stops.length === 0)
    return {
      requirement,
      outcome: 'not-checked',
      summary: 'no replica was added, none scaled down and none stopped',
      evidence,
    };
  if (evidence.length > 0) {
    return {
      requirement,
      outcome: 'fail',
      summary: [
        slow.length ? `${slow.length} replica(s) did not stop within the stop budget` : '',
        late.length ? `${late.length} new replica(s) took no traffic within ${s(withinMs)}` : '',
        failingDowns.length ? `${failingDowns.length} scale-down(s) failed requests` : '',
      ]
        .filter(Boolean)
        .join('; '),
      evidence: evidence.slice(0, MAX_EVIDENCE),
    };
  }
  const served = judged.map((a) => (a.firstServedAt ?? 0) - a.healthyAt);
  const worst = served.length ? Math.max(...served) : 0;
  return {
    requirement,
    outcome: 'pass',
    summary: `${judged.length} new replica(s) served within ${s(worst)} of becoming healthy; ${downs.length} drained scale-down(s) failed no request; ${stops.length} stop(s) within the budget`,
    evidence: judged
      .slice(0, MAX_EVIDENCE)
      .map(
        (a) =>
          `${a.container}: healthy at ${s(a.healthyAt)}, first request at ${s(a.firstServedAt ?? 0)}`,
      ),
  };
}
