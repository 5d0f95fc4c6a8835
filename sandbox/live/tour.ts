import type { Engine } from '../engine/engine.js';
import type { Emit, RehearsalEvent } from '../events.js';
import { freePort } from '../net/free-port.js';
import { down } from '../sandbox/down.js';
import { planFromDeclaration, type PlanRequest } from '../sandbox/resolve.js';
import { up } from '../sandbox/up.js';
import { templatePath } from '../version.js';
import { runSideChecks } from './checks.js';

/**
 * One stop of the workshop tour: the reference service, or one of its naughty variants (an
 * environment switch of templates/reference-service faults.mjs / naughty.mjs), and the
 * requirement (sandbox/checks/catalogue.ts) whose check or chaos verdict catches it.
 */
export interface TourStep {
  key: string;
  title: string;
  /** What the variant does wrong, as a sentence without its full stop. */
  does: string;
  env: Record<string, string>;
  /** How it is caught: the conformance checks, or chaos under live traffic. */
  by: 'check' | 'chaos';
  /** The requirement that fails (none for the reference service, which passes). */
  requirement?: string;
  /** The chaos verdict that fails, for a chaos step. */
  verdict?: 'ephemeral' | 'stateless' | 'incorruptible' | 'scalable';
}

/** The tour: the compliant service first, then one fault at a time. */
export const TOUR: readonly TourStep[] = [
  {
    key: 'reference',
    title: 'The reference service',
    does: 'The service as shipped: it meets every requirement Rehearsal checks',
    env: {},
    by: 'check',
  },
  {
    key: 'log-file',
    title: 'Logs written to a file',
    does: 'Every log line also goes to /tmp/reference-service.log',
    env: { NAUGHTY_LOG_FILE: '1' },
    by: 'check',
    requirement: 'logging-no-files',
  },
  {
    key: 'log-phi',
    title: "A patient's name in the logs",
    does: 'The name a request searches for is written to the log',
    env: { NAUGHTY_LOG_PHI: '1' },
    by: 'check',
    requirement: 'no-phi-in-logs',
  },
  {
    key: 'fixed-host',
    title: 'A hard-coded host name',
    does: '"/" redirects to https://patients.example.org, whatever host was asked for',
    env: { NAUGHTY_FIXED_HOST: '1' },
    by: 'check',
    requirement: 'dns-agnostic',
  },
  {
    key: 'second-process',
    title: 'Two processes in one container',
    does: 'A worker process runs next to the server',
    env: { NAUGHTY_SECOND_PROCESS: '1' },
    by: 'check',
    requirement: 'single-process',
  },
  {
    key: 'broken-metadata',
    title: 'A smoke test that fails',
    does: '/metadata answers 500, so the declared smoke test fails',
    env: { NAUGHTY_BROKEN_METADATA: '1' },
    by: 'check',
    requirement: 'programmatically-verifiable',
  },
  {
    key: 'manual-setup',
    title: 'Manual set-up needed',
    does: 'It stays unhealthy until someone creates /tmp/setup-done by hand',
    env: { NAUGHTY_MANUAL_SETUP: '1' },
    by: 'check',
    requirement: 'self-bootstrapped',
  },
  {
    key: 'ignore-sigterm',
    title: 'SIGTERM ignored',
    does: 'SIGTERM is ignored: every stop runs out the budget and ends in SIGKILL',
    env: { NAUGHTY_IGNORE_SIGTERM: '1' },
    by: 'check',
    requirement: 'stoppable',
  },
  {
    key: 'memory-sessions',
    title: 'Sessions in process memory',
    does: 'Sessions live in a Map in memory: another replica has never heard of the token',
    env: { NAUGHTY_MEMORY_SESSIONS: '1' },
    by: 'chaos',
    requirement: 'dynamically-scalable',
    verdict: 'stateless',
  },
  {
    key: 'local-data',
    title: "Data on the container's disk",
    does: "Patients are kept in a file on the container's own disk",
    env: { NAUGHTY_LOCAL_DATA: '1' },
    by: 'chaos',
    requirement: 'ephemeral',
    verdict: 'ephemeral',
  },
  {
    key: 'early-ack',
    title: 'A write acknowledged before it is committed',
    does: 'A create answers 201 at once and commits the write 1.5 s later',
    env: { NAUGHTY_EARLY_ACK: '1' },
    by: 'chaos',
    requirement: 'incorruptible',
    verdict: 'incorruptible',
  },
];

/** The events a tour view needs: progress and verdicts, not every container's lifecycle. */
const TOUR_EVENTS = new Set<RehearsalEvent['type']>([
  'check.step',
  'requirement.judged',
  'chaos.planned',
  'chaos.action',
  'chaos.result',
  'traffic.sample',
  'sandbox.ready',
  'warning',
]);

/** The reference service's declaration, as `rehearsal demo` runs it. */
export function referenceRequest(cwd: string, imageMode: PlanRequest['imageMode']): PlanRequest {
  return { cwd, imageMode, file: templatePath('reference-service', 'marketplace.json') };
}

/**
 * Runs one step on its own sandbox (`<demo>-tour`, its own TLS edge port) and removes it,
 * volumes included, whatever happens: a check step runs `rehearsal check`'s core; a chaos step
 * brings the variant up and runs a chaos run of `rehearsal chaos`'s defaults under traffic.
 * Only progress and verdicts reach `emit`. Resolves with the requirement's verdict.
 */
export async function runTourStep(
  step: TourStep,
  request: PlanRequest,
  options: { engine: Engine; emit: Emit; signal: AbortSignal; chaosMs?: number },
): Promise<{ verdict: 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-checked'; why: string }> {
  const { engine, signal } = options;
  const emit: Emit = (e) => {
    if (TOUR_EVENTS.has(e.type)) options.emit(e);
  };
  const env = { ...request.env, ...step.env };
  if (step.by === 'check') {
    const report = await runSideChecks(
      { ...request, env },
      { engine, emit, signal, suffix: '-tour' },
    );
    if (!step.requirement) {
      const s = report.summary;
      return {
        verdict: s.mustFailed > 0 ? 'fail' : 'pass',
        why: `${s.pass} pass, ${s.fail} fail (${s.mustFailed} MUST), ${s.warn} warn, ${s['not-checked']} not checked`,
      };
    }
    const r = report.results.find((x) => x.id === step.requirement);
    return { verdict: r?.verdict ?? 'not-checked', why: r?.why ?? r?.did ?? '' };
  }
  const { plan } = await planFromDeclaration({
    ...request,
    env,
    sandboxSuffix: '-tour',
    proxyPort: await freePort(),
  });
  const { startChaos } = await import('./chaos.js');
  try {
    await down(plan.sandboxId, { engine, emit, volumes: true });
    await up(plan, { engine, emit, signal, replicasExplicit: false });
    const chaos = await startChaos(plan, {
      engine,
      emit,
      ...(options.chaosMs ? { durationMs: options.chaosMs } : {}),
    });
    const stop = () => void chaos.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const report = await chaos.done;
      const v = report?.verdicts.find((x) => x.requirement === step.verdict);
      if (!v)
        return { verdict: 'not-checked', why: 'the chaos run was stopped before its verdicts' };
      return {
        verdict: v.outcome,
        why: v.summary,
      };
    } finally {
      signal.removeEventListener('abort', stop);
    }
  } finally {
    await down(plan.sandboxId, { engine, emit, volumes: true });
  }
}
