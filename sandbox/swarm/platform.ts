import { UserError } from '../errors.js';
import type { Platform, PlatformSettings } from '../platform/platform.js';
import type { Replica } from '../sandbox/replicas.js';
import { scalableTask } from '../sandbox/scale.js';
import { readDesired, writeDesired } from '../sandbox/state.js';
import { monitor } from '../sandbox/monitor.js';
import { status } from '../sandbox/status.js';
import { converged, runningTasks, swarmCli, updated } from './converge.js';
import { deploySwarm, dockerCli, removeSwarm, type DockerCli } from './deploy.js';
import { swarmServiceName, type SwarmNetworking } from './stack.js';
import { watchSwarm } from './watch.js';

/**
 * A Docker stack on a swarm: `docker stack deploy` creates the tasks and Swarm alone repairs them
 * (Rehearsal watches and measures), so `up` returns once the stack is healthy. In chaos Rehearsal
 * kills, stops and pauses task containers and asks Swarm to scale or redeploy. Disconnecting a
 * task from its overlay network and restarting the database in place are left out: Swarm owns
 * those containers' networks, and a database restarted beside Swarm's own replacement would run
 * twice on one volume.
 */
export function swarmPlatform(
  settings: PlatformSettings = {},
  docker: DockerCli = dockerCli,
): Platform {
  const networking = settings.endpointMode ? parseNetworking(settings.endpointMode) : undefined;
  return {
    engine: 'swarm',
    runsOn: 'the swarm',
    downCommand: 'rehearsal down --engine swarm',
    repairsItself: true,
    kinds: ['kill', 'stop', 'pause', 'scale', 'replace-all'],
    // Swarm keeps its own health timeout and replica counts: `replicasExplicit` has no use here.
    deploy: (plan, { engine, emit, signal, healthTimeoutMs }) =>
      deploySwarm(plan, {
        engine,
        emit,
        ...(signal ? { signal } : {}),
        ...(healthTimeoutMs !== undefined ? { healthTimeoutMs } : {}),
        ...(networking ? { networking } : {}),
      }),
    async remove(plan, options) {
      await removeSwarm(plan, options);
    },
    status: (plan, engine) => status(plan, engine),
    async scale(plan, service, to, { engine, emit }) {
      const s = scalableTask(plan, service, to);
      const before = await runningTasks(engine, plan, s.name);
      emit({ type: 'scale.planned', service, from: before.length, to, adding: [], removing: [] });
      await writeDesired(plan.stateDir, { ...(await readDesired(plan.stateDir)), [service]: to });
      await swarmCli(docker, [
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
    // Swarm keeps the containers of its ended tasks as history: only the others are replicas.
    replicas: (all) => all.filter((r) => r.state !== 'exited' && r.state !== 'dead'),
    repair: (plan, options) => watchSwarm(plan, options),
    watch: (plan, options) => monitor(plan, options),
    async replaceAll(ctx) {
      const { engine, plan, service } = ctx;
      const before = await runningTasks(engine, plan, service.name);
      const name = swarmServiceName(plan.sandboxId, service.name);
      await swarmCli(docker, ['service', 'update', '--force', '--detach', name]);
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
  };
}

/** Which endpoint mode the stack's services get (`--endpoint-mode`). */
function parseNetworking(value: string): SwarmNetworking {
  if (value === 'dnsrr' || value === 'vip') return { endpointMode: value };
  throw new UserError(`--endpoint-mode ${value} is not a Swarm endpoint mode`, {
    hint: 'Use --endpoint-mode dnsrr (works on any swarm) or --endpoint-mode vip (needs IPVS).',
  });
}

function difference(before: Replica[], after: Replica[]): { added: string[]; removed: string[] } {
  const was = new Set(before.map((r) => r.id));
  const is = new Set(after.map((r) => r.id));
  return {
    added: after.filter((r) => !was.has(r.id)).map((r) => r.name),
    removed: before.filter((r) => !is.has(r.id)).map((r) => r.name),
  };
}
