import type { Engine } from '../../../sandbox/engine/engine.js';
import { UserError } from '../../../sandbox/errors.js';
import type { Emit } from '../../../sandbox/events.js';
import { LABEL } from '../../../sandbox/labels.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { scheduleCron } from '../../../sandbox/sandbox/cron.js';
import { sandboxLogs } from '../../../sandbox/sandbox/logs.js';
import { listReplicas } from '../../../sandbox/sandbox/replicas.js';
import { readDesired } from '../../../sandbox/sandbox/state.js';
import { killReplica } from '../../../sandbox/sandbox/supervise.js';
import type { UpOptions } from '../../../sandbox/sandbox/up.js';
import type { Platform } from '../../../sandbox/platform/platform.js';
import type { LiveChaos } from '../../../sandbox/live/chaos.js';
import type { LiveTraffic } from '../../../sandbox/live/traffic.js';
import type { PlanRequest } from '../../../sandbox/sandbox/resolve.js';
import type { SnapshotRow } from './actions.js';
import { keepRunning } from './keep-running.js';
import { suspendable } from './supervision.js';

/**
 * What the dashboard can have done to the sandbox. The controller sees only this interface, so
 * it is tested with fakes; this file is the one place that binds it to the core's operations
 * (never to the engine directly: every call goes through sandbox/).
 */
export interface DashboardOps {
  up(signal: AbortSignal): Promise<void>;
  snapshot(): Promise<{ replicas: SnapshotRow[]; desired?: Record<string, number> }>;
  /**
   * Supervisor, resource monitor, cron and log follower, each restarted if it fails; they end
   * when the signal aborts.
   */
  follow(
    log: (container: string, text: string) => void,
    signal: AbortSignal,
    onFailure: (message: string) => void,
  ): Promise<void>[];
  /** Kills the named replica, or a random running task replica. */
  kill(container: string | undefined): Promise<void>;
  scale(service: string, count: number, signal: AbortSignal): Promise<void>;
  /** Removes the sandbox's containers and network; its volumes stay. */
  teardown(): Promise<void>;
  /** Steady traffic through the TLS edge until stopped. */
  startTraffic(): Promise<LiveTraffic>;
  /**
   * A chaos run of the default rate and length; the dashboard's supervisor steps aside while it
   * runs (the run supervises) and comes back when it ends.
   */
  startChaos(): Promise<LiveChaos>;
  /** `rehearsal check`'s core on a fresh copy of the sandbox; resolves with its summary line. */
  runChecks(signal: AbortSignal): Promise<{ summary: string; mustFailed: number }>;
}

export interface OpsContext {
  plan: Plan;
  engine: Engine;
  platform: Platform;
  emit: Emit;
  upOptions: Pick<UpOptions, 'replicasExplicit' | 'healthTimeoutMs'>;
  /** How the declaration was read: the checks plan it again as their own sandbox. */
  request: Omit<PlanRequest, 'sandboxSuffix' | 'proxyPort'>;
  random?: () => number;
}

export function sandboxOps(ctx: OpsContext): DashboardOps {
  const { plan, engine, platform, emit } = ctx;
  const random = ctx.random ?? Math.random;
  const supervisor = suspendable((signal) => platform.repair(plan, { engine, emit, signal }));
  return {
    up: (signal) => platform.deploy(plan, { engine, emit, signal, ...ctx.upOptions }),
    async snapshot() {
      const [s, desired] = await Promise.all([
        platform.status(plan, engine),
        readDesired(plan.stateDir),
      ]);
      const replicas = s.replicas
        .filter((r) => r.state !== 'gone')
        .map((r) => ({
          container: r.container,
          service: r.service,
          replica: r.replica,
          running: r.state === 'running',
          health: r.health,
          ...(r.uptimeSeconds !== undefined ? { uptimeSeconds: r.uptimeSeconds } : {}),
          memoryLimitBytes: r.memoryLimitBytes,
        }));
      return { replicas, ...(desired ? { desired } : {}) };
    },
    follow: (log, signal, onFailure) => follow(ctx, supervisor, log, signal, onFailure),
    async kill(container) {
      const tasks = new Set(plan.services.filter((s) => s.role === 'task').map((s) => s.name));
      const running = (await listReplicas(engine, plan.sandboxId)).filter(
        (r) =>
          r.state === 'running' && tasks.has(r.service) && r.labels[LABEL.composeOneoff] !== 'True',
      );
      const target = container
        ? running.find((r) => r.name === container)
        : running[Math.floor(random() * running.length)];
      if (!target)
        throw new UserError(
          container ? `${container} is not running` : 'no task replica is running',
        );
      await killReplica(engine, target, emit);
    },
    scale: async (service, count, signal) => {
      await platform.scale(plan, service, count, { engine, emit, signal });
    },
    teardown: async () => {
      await platform.remove(plan, { engine, emit, volumes: false });
    },
    // Loaded on demand, like everything a key starts: an idle dashboard does not carry them.
    async startTraffic() {
      const { startTraffic } = await import('../../../sandbox/live/traffic.js');
      return startTraffic(plan, { engine, emit });
    },
    async startChaos() {
      const { startChaos } = await import('../../../sandbox/live/chaos.js');
      const resume = await supervisor.suspend();
      try {
        const chaos = await startChaos(plan, { engine, emit });
        void chaos.done.finally(resume).catch(() => undefined);
        return chaos;
      } catch (err) {
        resume();
        throw err;
      }
    },
    async runChecks(signal) {
      const { runSideChecks } = await import('../../../sandbox/live/checks.js');
      const report = await runSideChecks(ctx.request, { engine, emit, signal });
      const s = report.summary;
      return {
        summary: `${s.pass} pass, ${s.fail} fail (${s.mustFailed} MUST), ${s.warn} warn, ${s['not-applicable']} n/a, ${s['not-checked']} not checked · ${report.sandbox}, ${Math.round(report.durationMs / 1000)} s`,
        mustFailed: s.mustFailed,
      };
    },
  };
}

/**
 * The background work while the dashboard runs: one-off runs on their schedule, the platform's
 * repair, the replicas' resource samples and every replica's logs, each restarted when it fails.
 */
function follow(
  ctx: OpsContext,
  supervisor: ReturnType<typeof suspendable>,
  log: (container: string, text: string) => void,
  signal: AbortSignal,
  onFailure: (message: string) => void,
): Promise<void>[] {
  const { plan, engine, platform, emit } = ctx;
  scheduleCron(plan, engine, emit, signal);
  // Each distinct failure is said once: a stream the engine keeps closing must not fill the
  // screen with the same line every few seconds.
  const said = new Set<string>();
  const report = (what: string) => (err: Error) => {
    const line = `${what}: ${err.message}; restarting it`;
    if (said.has(line)) return;
    said.add(line);
    onFailure(`${line} (said once)`);
  };
  return [
    keepRunning((_n, run) => supervisor.work(run), signal, report('supervisor')),
    keepRunning(
      (_n, run) => platform.watch(plan, { engine, emit, signal: run }),
      signal,
      report('monitor'),
    ),
    keepRunning(
      async (attempt, run) => {
        // The first run shows a little history; a restart only what is new.
        const tail = attempt === 0 ? 20 : 0;
        for await (const l of sandboxLogs(engine, plan.sandboxId, {
          follow: true,
          tail,
          signal: run,
        }))
          log(l.container, l.text);
      },
      signal,
      report('log follower'),
    ),
  ];
}
