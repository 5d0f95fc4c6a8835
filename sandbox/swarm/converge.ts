import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { readHealth } from '../sandbox/health.js';
import { listReplicas, SWARM_TASK_NAME, type Replica } from '../sandbox/replicas.js';
import type { DockerCli } from './deploy.js';

/** The running task containers of one service of the stack. */
export async function runningTasks(
  engine: Engine,
  plan: Plan,
  service: string,
): Promise<Replica[]> {
  return (await listReplicas(engine, plan.sandboxId, service)).filter(
    (r) => r.state === 'running' && r.labels[SWARM_TASK_NAME],
  );
}

/** Waits until exactly `count` tasks of the service run, all healthy by Swarm's check. */
export async function converged(
  engine: Engine,
  plan: Plan,
  service: string,
  count: number,
  timeoutMs = 180_000,
): Promise<Replica[]> {
  const s = plan.services.find((x) => x.name === service)!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await runningTasks(engine, plan, service);
    const health = await Promise.all(
      running.map((r) => readHealth(engine, r.id, s).catch(() => undefined)),
    );
    const healthy = health.filter((h) => h?.health === 'healthy').length;
    if (running.length === count && healthy === count) return running;
    if (Date.now() > deadline)
      throw new UserError(
        `Swarm did not bring ${service} to ${count} healthy task(s) within ${timeoutMs / 1000} s: ${healthy} healthy of ${running.length} running`,
        { hint: `See why with \`docker service ps ${plan.sandboxId}_${service} --no-trunc\`.` },
      );
    await sleep(500);
  }
}

/** Waits until Swarm reports the service's rolling update completed. */
export async function updated(
  docker: DockerCli,
  service: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const hint = `See why with \`docker service ps ${service} --no-trunc\`.`;
  for (;;) {
    const r = await swarmCli(docker, [
      'service',
      'inspect',
      '--format',
      '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}',
      service,
    ]);
    const state = r.trim();
    if (state === 'completed') return;
    if (/rollback|paused/.test(state))
      throw new UserError(`Swarm's update of ${service} ended ${state}`, { hint });
    if (Date.now() > deadline)
      throw new UserError(`Swarm's update of ${service} is still ${state}`, { hint });
    await sleep(500);
  }
}

/** Runs a docker CLI command against the swarm; a failure is the user's to look at. */
export async function swarmCli(docker: DockerCli, args: string[]): Promise<string> {
  const r = await docker(args, {});
  if (r.exitCode !== 0) {
    throw new UserError(`docker ${args.slice(0, 2).join(' ')} failed: ${r.stderr.trim()}`, {
      hint: 'Check the stack with `docker stack ps <sandbox>`; is the engine still a swarm manager?',
    });
  }
  return r.stdout;
}
