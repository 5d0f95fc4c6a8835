import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosPlatform } from '../chaos/platform.js';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { readHealth } from '../sandbox/health.js';
import { listReplicas, SWARM_TASK_NAME, type Replica } from '../sandbox/replicas.js';
import { scalableTask } from '../sandbox/scale.js';
import { readDesired, writeDesired } from '../sandbox/state.js';
import { dockerCli, type DockerCli } from './deploy.js';
import { swarmServiceName } from './stack.js';
import { watchSwarm } from './watch.js';

/**
 * Chaos on a stack: Rehearsal kills, stops and pauses task containers and asks Swarm to scale or
 * redeploy, but Swarm alone repairs (Rehearsal watches and measures). Disconnecting a task from
 * its overlay network and restarting the database in place are left out: Swarm owns those
 * containers' networks, and a database restarted beside Swarm's own replacement would run twice
 * on one volume.
 */
export function swarmPlatform(docker: DockerCli = dockerCli): ChaosPlatform {
  return {
    engine: 'swarm',
    kinds: ['kill', 'stop', 'pause', 'scale', 'replace-all'],
    repair: (plan, options) => watchSwarm(plan, options),
    async scale(plan, service, to, { engine, emit }) {
      const s = scalableTask(plan, service, to);
      const before = await runningTasks(engine, plan, s.name);
      emit({ type: 'scale.planned', service, from: before.length, to, adding: [], removing: [] });
      await writeDesired(plan.stateDir, { ...(await readDesired(plan.stateDir)), [service]: to });
      await swarm(docker, [
        'service',
        'update',
        '--detach',
        '--replicas',
        String(to),
        swarmServiceName(plan.sandboxId, service),
      ]);
      const after = await converged(engine, plan, service, to);
      return difference(before, after);
    },
    async replaceAll(ctx) {
      const { engine, plan, service } = ctx;
      const before = await runningTasks(engine, plan, service.name);
      const name = swarmServiceName(plan.sandboxId, service.name);
      await swarm(docker, ['service', 'update', '--force', '--detach', name]);
      await updated(docker, name);
      const want = (await readDesired(plan.stateDir))?.[service.name] ?? before.length;
      const { added, removed } = difference(
        before,
        await converged(engine, plan, service.name, want),
      );
      return {
        detail: `Swarm redeployed every task (update order ${service.role === 'database' ? 'stop' : 'start'}-first): replaced ${removed.join(', ')} with ${added.join(', ')}`,
        stops: [],
      };
    },
    // Swarm keeps the containers of its ended tasks as history: only the others are replicas.
    replicas: (all) => all.filter((r) => r.state !== 'exited' && r.state !== 'dead'),
  };
}

async function runningTasks(engine: Engine, plan: Plan, service: string): Promise<Replica[]> {
  return (await listReplicas(engine, plan.sandboxId, service)).filter(
    (r) => r.state === 'running' && r.labels[SWARM_TASK_NAME],
  );
}

/** Waits until exactly `count` tasks of the service run, all healthy by Swarm's check. */
async function converged(
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
      throw new Error(
        `Swarm did not bring ${service} to ${count} healthy task(s) within ${timeoutMs / 1000} s: ${healthy} healthy of ${running.length} running`,
      );
    await sleep(500);
  }
}

/** Waits until Swarm reports the service's rolling update completed. */
async function updated(docker: DockerCli, service: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await swarm(docker, [
      'service',
      'inspect',
      '--format',
      '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}',
      service,
    ]);
    const state = r.trim();
    if (state === 'completed') return;
    if (/rollback|paused/.test(state))
      throw new Error(`Swarm's update of ${service} ended ${state}`);
    if (Date.now() > deadline) throw new Error(`Swarm's update of ${service} is still ${state}`);
    await sleep(500);
  }
}

async function swarm(docker: DockerCli, args: string[]): Promise<string> {
  const r = await docker(args, {});
  if (r.exitCode !== 0) {
    throw new UserError(`docker ${args.slice(0, 2).join(' ')} failed: ${r.stderr.trim()}`, {
      hint: 'Check the stack with `docker stack ps <sandbox>`; is the engine still a swarm manager?',
    });
  }
  return r.stdout;
}

function difference(before: Replica[], after: Replica[]): { added: string[]; removed: string[] } {
  const was = new Set(before.map((r) => r.id));
  const is = new Set(after.map((r) => r.id));
  return {
    added: after.filter((r) => !was.has(r.id)).map((r) => r.name),
    removed: before.filter((r) => !is.has(r.id)).map((r) => r.name),
  };
}
