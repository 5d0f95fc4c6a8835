import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { AbortedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { writeEdgeFiles, writeStateFile } from '../sandbox/edge-files.js';
import { writeIdpFiles } from '../sandbox/idp-files.js';
import { writeState } from '../sandbox/state.js';
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
  emit: Emit;
  networking?: SwarmNetworking;
  docker?: DockerCli;
  signal?: AbortSignal;
  healthTimeoutMs?: number;
  pollMs?: number;
}

/**
 * `rehearsal up --engine swarm`: writes the sandbox's state and TLS files as `up` does, the
 * secrets one per file (0600) for Swarm to carry, and `stack.yaml`; deploys it with
 * `docker stack deploy` (secrets in its environment, never on its command line); then waits
 * until every service runs all its replicas.
 */
export async function deploySwarm(plan: Plan, options: SwarmDeployOptions): Promise<void> {
  const docker = options.docker ?? dockerCli;
  const start = Date.now();
  options.emit({ type: 'state.written', dir: plan.stateDir, files: await writeState(plan) });
  await writeEdgeFiles(plan, options.emit);
  await writeIdpFiles(plan);
  for (const [name, value] of Object.entries(plan.secrets))
    await writeStateFile(plan.stateDir, `${SECRETS_DIR}/${name}`, value, 0o600);
  const yaml = swarmStackYaml(plan, {
    objectNames: await objectNames(plan),
    ...(options.networking ? { networking: options.networking } : {}),
  });
  await writeStateFile(plan.stateDir, STACK_FILE, yaml, 0o644);
  const r = await docker(
    ['stack', 'deploy', '--compose-file', STACK_FILE, '--prune', plan.sandboxId],
    // execa adds these to the process's own environment; `docker stack deploy` interpolates them.
    { cwd: plan.stateDir, env: plan.secrets },
  );
  if (r.exitCode !== 0) throw deployError(r.stderr);
  const replicas = await waitForReplicas(plan, docker, options);
  options.emit({
    type: 'sandbox.ready',
    sandboxId: plan.sandboxId,
    ms: Date.now() - start,
    replicas,
  });
}

/** `rehearsal down --engine swarm`: removes the stack (services, network, configs, secrets). */
export async function removeSwarm(
  plan: Plan,
  options: { emit: Emit; docker?: DockerCli },
): Promise<void> {
  const docker = options.docker ?? dockerCli;
  const r = await docker(['stack', 'rm', plan.sandboxId], {});
  if (r.exitCode !== 0) throw deployError(r.stderr);
  options.emit({
    type: 'sandbox.removed',
    sandboxId: plan.sandboxId,
    containers: 0,
    networks: 0,
    volumes: 0,
  });
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
