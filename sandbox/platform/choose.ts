import { UserError } from '../errors.js';
import type { EngineName, Platform, PlatformSettings } from './platform.js';

/**
 * Every engine a sandbox can run on: a line of help, and its platform, loaded on demand (a swarm
 * deploy's code serves only runs on a swarm). A new engine is its own file exporting a
 * `Platform`, and one entry here.
 */
const PLATFORMS: Record<
  EngineName,
  { about: string; load: (settings: PlatformSettings) => Promise<Platform> }
> = {
  docker: {
    about: 'Rehearsal creates the containers and repairs them',
    load: async () => (await import('./docker.js')).dockerPlatform,
  },
  swarm: {
    about: 'a Docker stack on a swarm, repaired by Swarm',
    load: async (settings) => (await import('../swarm/platform.js')).swarmPlatform(settings),
  },
  compose: {
    about: 'a Docker Compose v2 project, made by `docker compose up`, repaired by Rehearsal',
    load: async () => (await import('./compose.js')).composeEnginePlatform,
  },
};

export const ENGINE_NAMES = Object.keys(PLATFORMS) as EngineName[];

/** "docker (…), or swarm (…)": what `--engine` accepts, for its help. */
export function describeEngines(): string {
  const all = ENGINE_NAMES.map((n) => `${n} (${PLATFORMS[n].about})`);
  return `${all.slice(0, -1).join(', ')}, or ${all.at(-1)}`;
}

/** The engine `--engine` names; plain Docker when none is named. */
export function parseEngineName(value: string | undefined): EngineName {
  if (value === undefined) return 'docker';
  if ((ENGINE_NAMES as string[]).includes(value)) return value as EngineName;
  throw new UserError(`--engine ${value} is not an engine Rehearsal knows`, {
    hint: `Use ${ENGINE_NAMES.map((n) => `--engine ${n}`).join(' or ')}.`,
  });
}

/** The platform of the engine `--engine` names, with the settings it reads from other flags. */
export function loadPlatform(
  engine: string | undefined,
  settings: PlatformSettings = {},
): Promise<Platform> {
  return PLATFORMS[parseEngineName(engine)].load(settings);
}
