import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import { AbortedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { configHash, listReplicas, replicaSpec } from './replicas.js';

/** Lines of a failed initialization's output shown in the error. */
const LAST_LINES = 15;

export interface InitializationOptions {
  engine: Engine;
  emit: Emit;
  signal?: AbortSignal;
  /** Stopped (SIGTERM, then SIGKILL after the stop budget) when it runs longer: default 10 min. */
  timeoutMs?: number;
}

/**
 * Runs an initialization task to completion before the web and worker tasks start, as compose's
 * `service_completed_successfully` does. Its container stays after it exits 0 (compose keeps it
 * too: `docker compose ps -a` lists it, `rehearsal logs` shows its output, `down` removes it), so
 * a later `up` with the same configuration does not run it again. A failure stops `up` with its
 * exit code and its last lines of output. Returns how long it ran, 0 when it had already run.
 */
export async function runInitialization(
  plan: Plan,
  s: ServicePlan,
  options: InitializationOptions,
): Promise<number> {
  const { engine, emit, signal } = options;
  const hash = configHash(plan, s);
  for (const r of await listReplicas(engine, plan.sandboxId, s.name)) {
    const d = await engine.inspectContainer(r.id).catch(() => undefined);
    const done = d?.state === 'exited' && d.exitCode === 0;
    if (done && r.labels[LABEL.composeConfigHash] === hash) {
      emit({
        type: 'init.finished',
        service: s.name,
        container: r.name,
        exitCode: 0,
        ms: 0,
        earlier: true,
      });
      return 0;
    }
    // A run that failed, was cut short, or had another configuration: run it again.
    await engine.removeContainer(r.id, { force: true });
  }
  const spec = await replicaSpec(plan, s, 1);
  delete spec.healthcheck;
  const start = Date.now();
  const id = await engine.createContainer(spec);
  await engine.startContainer(id);
  emit({ type: 'init.started', service: s.name, container: spec.name });
  const timeoutMs = options.timeoutMs ?? 600_000;
  let stopped = false;
  for (;;) {
    const d = await engine.inspectContainer(id);
    if (d.state === 'exited' || d.state === 'dead') {
      const ms = Date.now() - start;
      emit({
        type: 'init.finished',
        service: s.name,
        container: spec.name,
        exitCode: d.exitCode,
        ms,
      });
      if (signal?.aborted) throw new AbortedError();
      if (d.exitCode === 0 && !stopped) return ms;
      const why = stopped
        ? `did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`
        : `failed with exit code ${d.exitCode}${d.oomKilled ? ' (killed for exceeding its memory limit)' : ''}`;
      throw new UserError(
        `initialization task ${s.name} ${why}; the web and worker tasks were not started${await lastLines(engine, id)}`,
        {
          hint: `Its own output is above: fix the cause and run \`rehearsal up\` again, which runs it again (\`rehearsal logs ${s.name}\` shows all of it; \`rehearsal down\` removes what up started).`,
        },
      );
    }
    if (!stopped && (signal?.aborted || Date.now() - start > timeoutMs)) {
      stopped = true;
      await engine.stopContainer(id, s.stopGraceSeconds);
      continue;
    }
    await sleep(250);
  }
}

async function lastLines(engine: Engine, id: string): Promise<string> {
  const lines: string[] = [];
  for await (const l of engine.logs(id, { follow: false, tail: LAST_LINES })) lines.push(l.text);
  return lines.length > 0 ? `\nLast output:\n  ${lines.join('\n  ')}` : '\n(no output)';
}
