import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import { LABEL } from '../labels.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { freeNumbers, listReplicas, replicaSpec } from './replicas.js';

export interface OneOffOptions {
  /** Replaces the service's command (exec form). */
  command?: string[];
  /** Added to (and winning over) the service's environment. */
  env?: Record<string, string>;
  /** Middle part of the container's name: `<sandbox>-<service>-<kind>-<n>`. */
  kind: string;
  /** Told the container's name once it started. */
  onStart?: (container: string) => void;
  /** Keep the output (stdout and stderr lines, in order), at most this many lines. */
  keepLines?: number;
  /** Stopped (SIGTERM, then SIGKILL after the service's grace) when the run takes longer. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface OneOffResult {
  container: string;
  exitCode: number;
  ms: number;
  output: string[];
  timedOut: boolean;
}

/**
 * Runs a service's image once as a one-off container on the sandbox's network (compose's
 * `oneoff` label set, no published ports), waits for it to exit, and removes it. Cron tasks and
 * smoke tests run this way: with the same files, trust and variables as the service's replicas.
 */
export async function runOneOff(
  plan: Plan,
  s: ServicePlan,
  engine: Engine,
  options: OneOffOptions,
): Promise<OneOffResult> {
  const used = (await listReplicas(engine, plan.sandboxId, s.name)).map((r) => r.number);
  const n = freeNumbers(used, 1)[0] ?? 1;
  const spec = await replicaSpec(plan, s, n);
  spec.name = `${plan.sandboxId}-${s.name}-${options.kind}-${n}`;
  spec.labels[LABEL.composeOneoff] = 'True';
  spec.publish = [];
  delete spec.healthcheck;
  if (options.command) spec.command = options.command;
  if (options.env) spec.env = { ...spec.env, ...options.env };
  const start = Date.now();
  const id = await engine.createContainer(spec);
  let timedOut = false;
  try {
    await engine.startContainer(id);
    options.onStart?.(spec.name);
    for (;;) {
      const d = await engine.inspectContainer(id);
      if (d.state === 'exited' || d.state === 'dead') {
        const output: string[] = [];
        if (options.keepLines) {
          for await (const l of engine.logs(id, { follow: false, tail: options.keepLines }))
            output.push(l.text);
        }
        return {
          container: spec.name,
          exitCode: d.exitCode,
          ms: Date.now() - start,
          output,
          timedOut,
        };
      }
      const late = options.timeoutMs !== undefined && Date.now() - start > options.timeoutMs;
      if (options.signal?.aborted || (late && !timedOut)) {
        timedOut ||= late;
        await engine.stopContainer(id, s.stopGraceSeconds);
        continue;
      }
      await sleep(250);
    }
  } finally {
    await engine.removeContainer(id, { force: true });
  }
}
