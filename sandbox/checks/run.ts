import type { LoadedDeclaration } from '../declaration/types.js';
import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { PROFILES } from '../declaration/overlay-schema.js';
import { STOP_BUDGET_SECONDS } from '../plan/plan.js';
import { down } from '../sandbox/down.js';
import { VERSION } from '../version.js';
import { REQUIREMENTS } from './catalogue.js';
import { runChaosPhase } from './chaos-phase.js';
import { withCheckableHint } from './checkable.js';
import { gatherFacts } from './facts/gather.js';
import type { Facts } from './facts/types.js';
import type { Outcome } from '../verdict.js';
import { runOutcome } from '../verdict.js';
import { writeReports } from './report/write.js';
import {
  checkVerdict,
  type CheckResult,
  type Finding,
  type ProfileJudgement,
  type Report,
} from './types.js';
import { CHECKS, NOT_IN_THIS_RUN } from './verdicts.js';

export interface CheckRunOptions {
  engine: Engine;
  emit: Emit;
  loaded: LoadedDeclaration;
  signal?: AbortSignal;
  /** Leave the check's sandbox running afterwards (default: removed, volumes included). */
  keep?: boolean;
  bootstrapBudgetMs?: number;
  requests?: number;
  /** Run the chaos phase after the observation (default: yes). */
  chaos?: boolean;
  /** Where the chaos phase writes its journals (default: the sandbox's state folder). */
  journalDir?: string;
  /** Write report.json, junit.xml, report.md and report.html into this folder. */
  reportDir?: string;
}

/** Every requirement judged from one run's facts, in the catalogue's order. */
export function judge(facts: Facts): CheckResult[] {
  return REQUIREMENTS.map((req) => {
    const started = Date.now();
    const check = CHECKS[req.id];
    let f: Finding;
    if (check) {
      try {
        f = check(facts);
      } catch (err) {
        f = {
          verdict: 'not-checked',
          did: '',
          evidence: [],
          why: `the check failed to run: ${(err as Error).message}`,
        };
      }
    } else {
      f = {
        verdict: 'not-checked',
        did: '',
        evidence: [],
        why: NOT_IN_THIS_RUN[req.id] ?? 'no check exists for it',
      };
    }
    return { ...req, ...withCheckableHint(req.id, f), ms: Date.now() - started };
  });
}

/**
 * The same facts judged under every profile but the run's own: thresholds differ (the stop
 * budget, optional architectures…), the observation does not. Lists where the verdicts differ.
 */
export function judgeOtherProfiles(facts: Facts, main: CheckResult[]): ProfileJudgement[] {
  return PROFILES.filter((p) => p !== facts.profile).map((profile) => {
    const results = judge({ ...facts, profile, stopBudgetSeconds: STOP_BUDGET_SECONDS[profile] });
    const differences = results
      .filter((r) => main.find((m) => m.id === r.id)?.verdict !== r.verdict)
      .map((r) => ({
        id: r.id,
        title: r.title,
        severity: r.severity,
        verdict: r.verdict,
        ...(r.why ? { why: r.why } : {}),
        ...(r.profiles?.[profile] ? { note: r.profiles[profile] } : {}),
      }));
    return { profile, summary: summarise(results), differences };
  });
}

export function summarise(results: CheckResult[]): Report['summary'] {
  const count = (v: Outcome) => results.filter((r) => r.verdict === v).length;
  return {
    pass: count('pass'),
    fail: count('fail'),
    warn: count('warn'),
    'not-applicable': count('not-applicable'),
    'not-checked': count('not-checked'),
    mustFailed: results.filter((r) => r.verdict === 'fail' && r.severity === 'MUST').length,
  };
}

/**
 * `rehearsal check`: brings the plan up as a fresh sandbox (its own id, an empty database),
 * observes it, judges every requirement and removes the sandbox. The plan given must be the
 * check's own (see cli/commands/check.ts): this removes everything labelled with its id.
 */
export async function runChecks(plan: Plan, options: CheckRunOptions): Promise<Report> {
  const { engine, emit } = options;
  const startedAt = new Date();
  // From nothing: a previous check's database would hide a bootstrapping failure.
  await down(plan.sandboxId, { engine, emit, volumes: true });
  let facts: Facts;
  try {
    facts = await gatherFacts(plan, {
      engine,
      emit,
      loaded: options.loaded,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.bootstrapBudgetMs !== undefined
        ? { bootstrapBudgetMs: options.bootstrapBudgetMs }
        : {}),
      ...(options.requests !== undefined ? { requests: options.requests } : {}),
    });
    if (options.chaos !== false && facts.bootstrap.ok && !options.signal?.aborted)
      facts.chaos = await runChaosPhase(plan, {
        engine,
        emit,
        signal: options.signal ?? new AbortController().signal,
        timeline: facts.timeline,
        overlays: options.loaded.taskOverlays,
        ...(facts.canaries ? { canaries: facts.canaries } : {}),
        ...(options.journalDir ? { journalDir: options.journalDir } : {}),
      });
  } finally {
    if (!options.keep) await down(plan.sandboxId, { engine, emit, volumes: true });
  }
  const results = judge(facts);
  const verdicts = results.map(checkVerdict);
  for (const v of verdicts) emit({ type: 'requirement.judged', ...v });
  const report = reportOf(plan, facts, results, startedAt);
  const dir = options.reportDir;
  const reports = dir ? { dir, files: await writeReports(report, dir) } : undefined;
  emit({
    type: 'run.finished',
    run: 'check',
    report,
    outcome: runOutcome(verdicts),
    kept: Boolean(options.keep),
    ...(reports ? { reports } : {}),
  });
  return report;
}

function reportOf(plan: Plan, facts: Facts, results: CheckResult[], startedAt: Date): Report {
  const finishedAt = new Date();
  return {
    schema: 'rehearsal-check/1',
    tool: { name: 'rehearsal', version: VERSION },
    product: plan.productName,
    declaration: { file: plan.declarationFile, sha256: plan.declarationSha256 },
    profile: plan.profile,
    sandbox: plan.sandboxId,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    results,
    summary: summarise(results),
    profiles: judgeOtherProfiles(facts, results),
    timeline: facts.timeline,
  };
}
