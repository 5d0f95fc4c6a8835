import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerDetails, Engine } from '../engine/engine.js';
import { DEFAULTS } from '../defaults.js';
import { AbortedError, UserError } from '../errors.js';
import { httpProbe } from '../net/http-probe.js';
import type { RehearsalEvent } from '../events.js';
import type { ServicePlan } from '../plan/types.js';
import { SWARM_TASK_NAME } from './replicas.js';

/** The event for a replica that just became healthy (its id too: names are reused). */
export function healthyEvent(
  service: string,
  r: { id: string; name: string; n: number },
  ms: number,
): RehearsalEvent {
  return { type: 'replica.healthy', service, replica: r.n, container: r.name, ms, id: r.id };
}

export type ReplicaHealth = 'healthy' | 'starting' | 'unhealthy' | 'stopped';

export interface HealthReading {
  health: ReplicaHealth;
  /** What was observed, for messages: "GET /health → 503", "exited with code 1". */
  detail: string;
  details: ContainerDetails;
}

/**
 * One health reading of a replica. A task is healthy when its container runs, Docker's own
 * health check (if the image has one) is not failing, and its health path answers 2xx/3xx on the
 * port published on 127.0.0.1. A database is healthy when its template's health check passes.
 */
export async function readHealth(
  engine: Engine,
  id: string,
  service: ServicePlan,
  signal?: AbortSignal,
): Promise<HealthReading> {
  const details = await engine.inspectContainer(id);
  if (details.state !== 'running') {
    const why = details.oomKilled ? ' (killed for exceeding its memory limit)' : '';
    return {
      health: 'stopped',
      detail: `${details.state}, exit code ${details.exitCode}${why}`,
      details,
    };
  }
  if (details.health === 'unhealthy')
    return { health: 'unhealthy', detail: 'Docker health check failing', details };
  // A Swarm task publishes nothing to probe: Swarm's health check (the stack's) is its health.
  if (details.labels[SWARM_TASK_NAME]) {
    const ok = details.health === 'healthy';
    return {
      health: ok ? 'healthy' : 'starting',
      detail: `Swarm health check ${details.health}`,
      details,
    };
  }
  if (service.kind === 'worker') {
    // Docker runs the image's check once per interval (often 30 s): until it has, Rehearsal runs
    // the same check itself, as it probes a web task's health path itself.
    if (details.health === 'starting' && details.healthcheckTest)
      return ownCheckNow(engine, details, details.healthcheckTest);
    return workerHealth(details, Date.now());
  }
  if (service.healthcheck && details.health !== 'healthy') {
    return { health: 'starting', detail: `Docker health check ${details.health}`, details };
  }
  if (!service.probe) return { health: 'healthy', detail: 'running', details };
  const port = details.published[service.probe.port];
  if (!port)
    return { health: 'starting', detail: `port ${service.probe.port} not published yet`, details };
  const probe = await httpProbe(`http://127.0.0.1:${port}${service.probe.path}`, 2000, signal);
  if (signal?.aborted) throw new AbortedError();
  const ok = probe.status !== undefined && probe.status >= 200 && probe.status < 400;
  return { health: ok ? 'healthy' : 'starting', detail: probe.detail, details };
}

/** How long a worker without a health check of its own must run before it counts as healthy. */
export const WORKER_SETTLE_MS = 2000;

/**
 * A worker serves no port to probe: its image's own health check decides when it has one, else
 * "running and not restarting" — running for WORKER_SETTLE_MS without a restart, so one that
 * crashes as it starts is seen stopped rather than healthy.
 */
export function workerHealth(details: ContainerDetails, now: number): HealthReading {
  if (details.health !== 'none')
    return {
      health: details.health === 'healthy' ? 'healthy' : 'starting',
      detail: `its own health check: ${details.health}`,
      details,
    };
  const since = details.startedAt ? Date.parse(details.startedAt) : Number.NaN;
  const ranMs = Number.isNaN(since) ? WORKER_SETTLE_MS : now - since;
  if (ranMs < WORKER_SETTLE_MS || details.restartCount > 0)
    return {
      health: 'starting',
      detail: `running ${(Math.max(0, ranMs) / 1000).toFixed(1)} s${details.restartCount > 0 ? `, restarted ${details.restartCount}×` : ''}`,
      details,
    };
  return {
    health: 'healthy',
    detail: 'running and not restarting (no health check of its own)',
    details,
  };
}

/** Runs a container's own health check test now (`docker exec`): exit 0 is healthy. */
async function ownCheckNow(
  engine: Engine,
  details: ContainerDetails,
  test: string[],
): Promise<HealthReading> {
  const [form, ...rest] = test;
  const command = form === 'CMD-SHELL' ? ['sh', '-c', rest.join(' ')] : form === 'CMD' ? rest : [];
  if (command.length === 0) return workerHealth({ ...details, health: 'none' }, Date.now());
  const r = await engine
    .exec(details.id, command, 5000)
    .catch((err: Error) => ({ exitCode: -1, output: [err.message] }));
  return {
    health: r.exitCode === 0 ? 'healthy' : 'starting',
    detail: `its own health check, run now: ${r.exitCode === 0 ? 'passed' : `exit ${r.exitCode}`}`,
    details,
  };
}

export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Waits until a replica is healthy. Fails at once, with the container's last log lines, when it
 * stops; fails after `timeoutMs` saying what the last probe saw. Ctrl-C (the signal) cancels.
 */
export async function waitHealthy(
  engine: Engine,
  id: string,
  name: string,
  service: ServicePlan,
  options: WaitOptions = {},
): Promise<number> {
  const now = options.now ?? Date.now;
  const start = now();
  const timeoutMs = options.timeoutMs ?? DEFAULTS.healthTimeoutSeconds * 1000;
  let last: HealthReading | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError();
    last = await readHealth(engine, id, service, options.signal);
    if (last.health === 'healthy') return now() - start;
    if (last.health === 'stopped' || (last.health === 'unhealthy' && !service.probe)) {
      throw new UserError(
        `${name} ${last.health === 'stopped' ? 'stopped' : 'is unhealthy'}: ${last.detail}${await tailLogs(engine, id)}`,
        {
          hint: 'Its own output is above: fix the cause (a missing variable, a wrong port, a crash at start) and run `rehearsal up` again.',
        },
      );
    }
    if (now() - start > timeoutMs) {
      throw new UserError(
        `${name} did not become healthy within ${Math.round(timeoutMs / 1000)} s; last check: ${last.detail}${await tailLogs(engine, id)}`,
        {
          hint: service.probe
            ? `Check that the service listens on port ${service.probe.port} and answers ${service.probe.path} with 2xx (set health: { path, port } in rehearsal.yaml).`
            : 'Check the container output above.',
        },
      );
    }
    try {
      await sleep(
        options.intervalMs ?? 250,
        undefined,
        options.signal ? { signal: options.signal } : {},
      );
    } catch {
      throw new AbortedError();
    }
  }
}

async function tailLogs(engine: Engine, id: string): Promise<string> {
  const lines: string[] = [];
  try {
    for await (const l of engine.logs(id, { follow: false, tail: 15 })) lines.push(l.text);
  } catch {
    return ''; // The container is already gone: there is no output left to show.
  }
  return lines.length ? `\nLast output:\n  ${lines.join('\n  ')}` : '\n(no output)';
}
