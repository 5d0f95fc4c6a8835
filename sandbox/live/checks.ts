import type { Engine } from '../engine/engine.js';
import type { Emit, RehearsalEvent } from '../events.js';
import { freePort } from '../net/free-port.js';
import { planFromDeclaration, type PlanRequest } from '../sandbox/resolve.js';
import type { Report } from '../checks/types.js';

/** The events of a check run another view may show: its steps, verdicts and warnings. */
const CHECK_EVENTS = new Set<RehearsalEvent['type']>([
  'check.step',
  'requirement.judged',
  'run.finished',
  'warning',
]);

/**
 * `rehearsal check`'s core, started from a running sandbox's view: the declaration is planned
 * again as the check's own sandbox (id `<sandbox>-check`, its own TLS edge port) and judged from
 * an empty database, then removed. The running sandbox is not touched: the checks plant a
 * canary, stop a replica with SIGTERM and read `docker diff` of fresh replicas, which on the
 * user's own replicas (with their traffic, chaos and history) would be neither safe nor fair.
 * Only the check's steps, verdicts and warnings reach `emit`, never its containers' events.
 */
export async function runSideChecks(
  request: Omit<PlanRequest, 'sandboxSuffix' | 'proxyPort'>,
  options: { engine: Engine; emit: Emit; signal?: AbortSignal; suffix?: string },
): Promise<Report> {
  const { plan, loaded } = await planFromDeclaration({
    ...request,
    sandboxSuffix: options.suffix ?? '-check',
    proxyPort: await freePort(),
  });
  // Loaded on demand: the check's fact gathering and judging are only needed when asked for.
  const { runChecks } = await import('../checks/run.js');
  // The chaos phase's own verdicts stay inside the check: they reach the view as its results.
  const emit: Emit = (e) => {
    if (e.type === 'requirement.judged' && e.source !== 'check') return;
    if (CHECK_EVENTS.has(e.type)) options.emit(e);
  };
  return runChecks(plan, {
    engine: options.engine,
    emit,
    loaded,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
