import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerSummary, Engine } from '../engine/engine.js';
import { LABEL } from '../labels.js';
import { SWARM_TASK_NAME } from './replicas.js';
import { STATE_FILES } from './state.js';

/** A sandbox as the engine shows it, from its containers' labels alone. */
export interface SandboxOnEngine {
  name: string;
  /** What made its containers: Rehearsal itself, `docker compose`, or a Swarm stack. */
  engine: 'docker' | 'compose' | 'swarm';
  running: number;
  containers: number;
  /** Running / all containers per service, by name. */
  services: Record<string, { running: number; containers: number }>;
  /** Its state folder (compose.yaml, .env, plan.json), when the labels name one. */
  stateDir?: string;
  declaration?: string;
  version?: string;
}

/**
 * Every sandbox on the engine, by its containers' `dev.rehearsal.sandbox` label, sorted by name:
 * what `rehearsal ls` prints, from any folder.
 */
export async function listSandboxes(engine: Engine): Promise<SandboxOnEngine[]> {
  const byName = new Map<string, ContainerSummary[]>();
  for (const c of await engine.listContainers({ [LABEL.sandbox]: '' })) {
    const name = c.labels[LABEL.sandbox] ?? '';
    byName.set(name, [...(byName.get(name) ?? []), c]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => describe(name, list));
}

function describe(name: string, list: ContainerSummary[]): SandboxOnEngine {
  const services: SandboxOnEngine['services'] = {};
  for (const c of list) {
    const s = (services[c.labels[LABEL.composeService] ?? '?'] ??= { running: 0, containers: 0 });
    s.containers++;
    if (c.state === 'running') s.running++;
  }
  const label = (key: string) => list.map((c) => c.labels[key]).find((v) => v);
  const stateDir = label(LABEL.composeWorkingDir);
  const declaration = label(LABEL.declaration);
  const version = label(LABEL.version);
  return {
    name,
    engine: label(SWARM_TASK_NAME) ? 'swarm' : label(LABEL.composeVersion) ? 'compose' : 'docker',
    running: list.filter((c) => c.state === 'running').length,
    containers: list.length,
    services,
    ...(stateDir ? { stateDir } : {}),
    ...(declaration ? { declaration } : {}),
    ...(version ? { version } : {}),
  };
}

/**
 * The state folder of the sandbox `name` when the engine's labels name one that still holds its
 * plan: how `-p NAME` finds a sandbox from any folder.
 */
export async function stateDirOnEngine(engine: Engine, name: string): Promise<string | undefined> {
  for (const c of await engine.listContainers({ [LABEL.sandbox]: name })) {
    const dir = c.labels[LABEL.composeWorkingDir];
    if (dir && existsSync(join(dir, STATE_FILES.plan))) return dir;
  }
  return undefined;
}
