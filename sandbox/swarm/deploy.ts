import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { AbortedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { writeStateFile } from '../sandbox/edge-files.js';
import type { Engine } from '../engine/engine.js';
import { sandboxFilter } from '../labels.js';
import { ensureImage } from '../sandbox/images.js';
import { listReplicas, SWARM_TASK_NAME } from '../sandbox/replicas.js';
import { writeDesired } from '../sandbox/state.js';
import { prepareState, refuseUnbound } from '../sandbox/up.js';
import { plainContainers, startEdge } from './edge.js';
import { fileKey, SECRETS_DIR, swarmStackYaml, type SwarmNetworking } from './stack.js';

export const STACK_FILE = 'stack.yaml';

/** Runs the docker CLI; injected so the deploy's logic is tested without an engine. */
export type DockerCli = (
  args: string[],
  options: { cwd?: string; env?: Record<string, string> },
) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

export const dockerCli: DockerCli = async (args, options) => {
  const r = await execa('docker', args, {
    reject: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
};

export interface SwarmDeployOptions {
  engine: Engine;
  emit: Emit;
  networking?: SwarmNetworking;
  docker?: DockerCli;
  signal?: AbortSignal;
  healthTimeoutMs?: number;
  pollMs?: number;
}

/**
 * `rehearsal up --engine swarm`: writes the sandbox's state and TLS files as `up` does, the
 * secrets one per file (0600) for Swarm to carry, and `stack.yaml`; makes sure every image is on
 * the engine; deploys the stack with `docker stack deploy` (secrets in its environment, never on
 * its command line; images used as they are on the node, no registry asked); waits until every
 * service runs all its replicas, healthy where it has a health check; then starts the TLS edge
 * beside the stack on 127.0.0.1 (swarm/edge.ts) and records the desired counts.
 */
export async function deploySwarm(plan: Plan, options: SwarmDeployOptions): Promise<void> {
  const { engine, emit, signal } = options;
  const docker = options.docker ?? dockerCli;
  const start = Date.now();
  refuseUnbound(plan);
  await prepareState(plan, emit);
  for (const s of plan.services.filter((x) => x.role === 'init'))
    emit({
      type: 'warning',
      message: `initialization task ${s.name} is not run on a swarm: Swarm cannot start a service after another completes (run it with plain Docker, or before the stack)`,
    });
  for (const [name, value] of Object.entries(plan.secrets))
    await writeStateFile(plan.stateDir, `${SECRETS_DIR}/${name}`, value, 0o600);
  const yaml = swarmStackYaml(plan, {
    objectNames: await objectNames(plan),
    ...(options.networking ? { networking: options.networking } : {}),
  });
  await writeStateFile(plan.stateDir, STACK_FILE, yaml, 0o644);
  for (const tag of new Set(plan.services.map((s) => s.image.tag))) {
    if (signal?.aborted) throw new AbortedError();
    const image = plan.services.find((s) => s.image.tag === tag)!.image;
    await ensureImage(engine, image, emit, signal);
  }
  const r = await docker(
    [
      'stack',
      'deploy',
      '--compose-file',
      STACK_FILE,
      '--prune',
      // The images are on this engine (built or pulled above); a registry may not be reachable.
      '--resolve-image',
      'never',
      plan.sandboxId,
    ],
    // execa adds these to the process's own environment; `docker stack deploy` interpolates them.
    { cwd: plan.stateDir, env: plan.secrets },
  );
  if (r.exitCode !== 0) throw deployError(r.stderr);
  const replicas = await waitForReplicas(plan, docker, options);
  for (const task of await listReplicas(engine, plan.sandboxId)) {
    if (task.state === 'running' && task.labels[SWARM_TASK_NAME])
      emit({
        type: 'replica.healthy',
        service: task.service,
        replica: task.number,
        container: task.name,
        ms: Date.now() - start,
        id: task.id,
      });
  }
  const edge = await startEdge(plan, options);
  await writeDesired(
    plan.stateDir,
    Object.fromEntries(
      plan.services
        .filter((s) => s.role !== 'cron' && s.role !== 'init')
        .map((s) => [s.name, s.replicas]),
    ),
  );
  emit({
    type: 'sandbox.ready',
    sandboxId: plan.sandboxId,
    ms: Date.now() - start,
    replicas: replicas + edge,
  });
}

/**
 * `rehearsal down --engine swarm`: removes the edge, then the stack (services, network, configs,
 * secrets), and waits until no container or network labelled with the sandbox is left (Swarm
 * stops the tasks and removes the network in the background); the volumes too when asked.
 */
export async function removeSwarm(
  plan: Plan,
  options: {
    engine: Engine;
    emit: Emit;
    docker?: DockerCli;
    volumes?: boolean;
    timeoutMs?: number;
    pollMs?: number;
  },
): Promise<{ containers: number; networks: number; volumes: number }> {
  const { engine, emit } = options;
  const docker = options.docker ?? dockerCli;
  const plain = await plainContainers(engine, plan.sandboxId);
  for (const c of plain) {
    emit({
      type: 'replica.stopping',
      service: c.service,
      replica: c.number,
      container: c.name,
      reason: 'down',
    });
    await engine.removeContainer(c.id, { force: true });
    emit({ type: 'replica.removed', service: c.service, replica: c.number, container: c.name });
  }
  const tasks = (await listReplicas(engine, plan.sandboxId)).length;
  const r = await docker(['stack', 'rm', plan.sandboxId], {});
  if (r.exitCode !== 0 && !/nothing found in stack/i.test(r.stderr + r.stdout))
    throw deployError(r.stderr);
  const filter = sandboxFilter(plan.sandboxId);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let networks = 0;
  for (;;) {
    const left = await listReplicas(engine, plan.sandboxId);
    const nets = await engine.listNetworks(filter);
    networks = Math.max(networks, nets.length);
    if (left.length === 0 && nets.length === 0) break;
    // The network goes once its last task has; a network the stack never owned is removed here.
    if (left.length === 0) for (const n of nets) await engine.removeNetwork(n.name).catch(() => {});
    if (Date.now() > deadline) {
      throw new UserError(
        `the stack ${plan.sandboxId} is still going away: ${[...left.map((c) => c.name), ...nets.map((n) => n.name)].join(', ')}`,
        {
          hint: `Run \`rehearsal down --engine swarm\` again, or see \`docker stack ps ${plan.sandboxId}\`.`,
        },
      );
    }
    await sleep(options.pollMs ?? 500);
  }
  let volumes = 0;
  if (options.volumes) {
    const list = await engine.listVolumes(filter);
    for (const v of list) await engine.removeVolume(v.name);
    volumes = list.length;
  }
  const result = { containers: plain.length + tasks, networks, volumes };
  emit({ type: 'sandbox.removed', sandboxId: plan.sandboxId, ...result });
  return result;
}

/**
 * Polls `docker stack services` until each service runs as many replicas as it wants; returns
 * the total. A replica counts once its task runs, which for a service with a health check means
 * healthy.
 */
export async function waitForReplicas(
  plan: Plan,
  docker: DockerCli,
  options: Pick<SwarmDeployOptions, 'signal' | 'healthTimeoutMs' | 'pollMs'>,
): Promise<number> {
  const deadline = Date.now() + (options.healthTimeoutMs ?? 180_000);
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError();
    const r = await docker(
      ['stack', 'services', plan.sandboxId, '--format', '{{.Name}}\t{{.Replicas}}'],
      {},
    );
    if (r.exitCode !== 0) throw deployError(r.stderr);
    const counts = parseReplicas(r.stdout);
    const lagging = counts.filter((c) => c.running < c.desired);
    if (counts.length > 0 && lagging.length === 0) return counts.reduce((n, c) => n + c.running, 0);
    if (Date.now() > deadline) {
      throw new UserError(
        `the stack ${plan.sandboxId} did not converge: ${lagging.map((c) => `${c.service} ${c.running}/${c.desired}`).join(', ') || 'no services'}`,
        { hint: `See why with: docker stack ps ${plan.sandboxId} --no-trunc` },
      );
    }
    await sleep(options.pollMs ?? 1000);
  }
}

/** Parses `<stack>_<service>\t<running>/<desired>` lines (a trailing note such as "(max 1 per node)" is ignored). */
export function parseReplicas(
  text: string,
): { service: string; running: number; desired: number }[] {
  return text
    .split('\n')
    .map((line) => /^(\S+)\t(\d+)\/(\d+)/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ service: m[1] as string, running: Number(m[2]), desired: Number(m[3]) }));
}

/** Swarm configs and secrets are immutable: each is named after its content, so a change deploys a new one. */
async function objectNames(plan: Plan): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  const short = (text: string | Buffer): string =>
    createHash('sha256').update(text).digest('hex').slice(0, 10);
  for (const [name, value] of Object.entries(plan.secrets))
    names[name] = `${plan.sandboxId}_${name}_${short(value)}`;
  for (const s of plan.services) {
    for (const f of s.files ?? []) {
      const key = fileKey(f);
      names[key] ??=
        `${plan.sandboxId}_${key}_${short(await readFile(join(plan.stateDir, f.source)))}`;
    }
  }
  return names;
}

function deployError(stderr: string): UserError {
  if (/not a swarm manager|swarm mode/i.test(stderr)) {
    return new UserError('this Docker engine is not a Swarm manager', {
      hint: 'Start a single-node swarm with `docker swarm init --advertise-addr 127.0.0.1`, or leave out --engine swarm.',
    });
  }
  return new UserError(`docker stack failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`, {
    hint: 'Check that the docker CLI can reach the engine (docker info), then run the command again.',
  });
}
