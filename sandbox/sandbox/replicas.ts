import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerSpec, ContainerSummary, Engine } from '../engine/engine.js';
import { LABEL } from '../labels.js';
import { interpolate } from '../plan/interpolate.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { VERSION } from '../version.js';

/** A container of the sandbox, seen through its labels. */
export interface Replica extends ContainerSummary {
  service: string;
  number: number;
}

/**
 * The sandbox's containers, with service and replica number read from compose's labels. A Swarm
 * task's container (`rehearsal up --engine swarm`) has no number label: its number is the
 * task's slot, from the task name Swarm gives it (`<stack>_<service>.<slot>.<task id>`).
 */
export async function listReplicas(
  engine: Engine,
  sandboxId: string,
  service?: string,
): Promise<Replica[]> {
  const labels: Record<string, string> = { [LABEL.sandbox]: sandboxId };
  if (service) labels[LABEL.composeService] = service;
  const list = await engine.listContainers(labels);
  return list
    .map((c) => ({
      ...c,
      service: c.labels[LABEL.composeService] ?? '',
      number: Number(c.labels[LABEL.composeNumber] ?? swarmSlot(c.labels) ?? 0),
    }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
}

/** The slot of a Swarm task's container, from its task name; undefined for other containers. */
export function swarmSlot(labels: Record<string, string>): number | undefined {
  const m = /\.(\d+)\.[a-z0-9]+$/.exec(labels[SWARM_TASK_NAME] ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Swarm's own label on a task's container: the task's name. */
export const SWARM_TASK_NAME = 'com.docker.swarm.task.name';

/** Newest first: the order in which a scale-down removes replicas. */
export function newestFirst(replicas: Replica[]): Replica[] {
  return [...replicas].sort((a, b) => b.created - a.created || b.number - a.number);
}

/** The lowest replica numbers not in use, as compose numbers them (from 1). */
export function freeNumbers(used: number[], count: number): number[] {
  const taken = new Set(used);
  const out: number[] = [];
  for (let n = 1; out.length < count; n++) if (!taken.has(n)) out.push(n);
  return out;
}

export function containerName(plan: Plan, service: string, n: number): string {
  return `${plan.sandboxId}-${service}-${n}`;
}

/**
 * A hash of everything that makes a replica what it is. `up` recreates replicas whose hash
 * differs from the plan's (compose does the same with its config-hash label).
 */
export function configHash(plan: Plan, s: ServicePlan): string {
  const material = JSON.stringify({
    image: s.image.tag,
    command: s.command,
    env: s.environment,
    memory: s.memoryBytes,
    ports: s.ports,
    volumes: s.volumes,
    healthcheck: s.healthcheck,
    network: plan.network,
    aliases: s.aliases,
    hostPorts: s.hostPorts,
    files: s.files,
  });
  return createHash('sha256').update(material).digest('hex');
}

/** The engine-level spec of replica `n` of a service, secrets interpolated, files read. */
export async function replicaSpec(plan: Plan, s: ServicePlan, n: number): Promise<ContainerSpec> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.environment)) env[k] = interpolate(v, plan.secrets);
  return {
    name: containerName(plan, s.name, n),
    image: s.image.tag,
    ...(s.command ? { command: s.command.map((c) => interpolate(c, plan.secrets)) } : {}),
    env,
    labels: {
      [LABEL.composeProject]: plan.sandboxId,
      [LABEL.composeService]: s.name,
      [LABEL.composeNumber]: String(n),
      [LABEL.composeOneoff]: 'False',
      [LABEL.composeConfigHash]: configHash(plan, s),
      [LABEL.composeWorkingDir]: plan.stateDir,
      [LABEL.composeConfigFiles]: `${plan.stateDir}/compose.yaml`,
      [LABEL.sandbox]: plan.sandboxId,
      [LABEL.version]: VERSION,
      [LABEL.role]: s.role,
      [LABEL.declaration]: plan.declarationFile,
      ...(s.taskId ? { [LABEL.taskId]: s.taskId } : {}),
    },
    network: plan.network,
    aliases: [s.name, ...s.aliases],
    publish: s.ports.map((p) => ({
      container: p,
      ...(s.hostPorts?.[p] !== undefined ? { host: s.hostPorts[p] } : {}),
    })),
    files: await Promise.all(
      (s.files ?? []).map(async (f) => ({
        path: f.target,
        content: await readFile(join(plan.stateDir, f.source)),
        mode: f.mode,
        ...(f.uid !== undefined ? { uid: f.uid, gid: f.uid } : {}),
      })),
    ),
    ...(s.memoryBytes !== undefined ? { memoryBytes: s.memoryBytes } : {}),
    volumes: s.volumes,
    ...(s.healthcheck
      ? {
          healthcheck: {
            ...s.healthcheck,
            test: s.healthcheck.test.map((t) => interpolate(t, plan.secrets)),
          },
        }
      : {}),
    stopTimeoutSeconds: s.stopGraceSeconds,
  };
}
