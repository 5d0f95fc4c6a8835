import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { UserError } from '../errors.js';
import { DockerEngine } from './docker-engine.js';
import type { Engine } from './engine.js';

/** One place an engine might answer. */
export interface EngineCandidate {
  /** `unix:///path`, `tcp://host:port` or `npipe:////./pipe/name`. */
  host: string;
  /** Why we looked there: "DOCKER_HOST", "docker context colima", "rootless Docker", … */
  source: string;
}

/**
 * Where to look for an engine, in the order the Docker CLI would: DOCKER_HOST alone when set (an
 * explicit choice is never second-guessed), else the current docker context, the default socket,
 * then the sockets of rootless Docker, Docker Desktop, Colima, Rancher Desktop, OrbStack, Podman.
 */
export function engineCandidates(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
): EngineCandidate[] {
  if (env.DOCKER_HOST) return [{ host: env.DOCKER_HOST, source: 'DOCKER_HOST' }];
  const out: EngineCandidate[] = [];
  const context = currentContextHost(env, home);
  if (context) out.push(context);
  if (platform === 'win32') {
    out.push({ host: 'npipe:////./pipe/docker_engine', source: 'Docker Desktop named pipe' });
    return out;
  }
  const runtime =
    env.XDG_RUNTIME_DIR ?? (process.getuid ? `/run/user/${process.getuid()}` : undefined);
  const sockets: [string | undefined, string][] = [
    ['/var/run/docker.sock', 'default socket'],
    [runtime && join(runtime, 'docker.sock'), 'rootless Docker'],
    [join(home, '.docker/run/docker.sock'), 'Docker Desktop'],
    [join(home, '.docker/desktop/docker.sock'), 'Docker Desktop'],
    [join(home, '.colima/default/docker.sock'), 'Colima'],
    [join(home, '.colima/docker.sock'), 'Colima'],
    [join(home, '.rd/docker.sock'), 'Rancher Desktop'],
    [join(home, '.orbstack/run/docker.sock'), 'OrbStack'],
    [runtime && join(runtime, 'podman/podman.sock'), 'Podman (rootless)'],
    ['/run/podman/podman.sock', 'Podman'],
  ];
  for (const [path, source] of sockets) {
    if (path && !out.some((c) => c.host === `unix://${path}`))
      out.push({ host: `unix://${path}`, source });
  }
  return out;
}

function currentContextHost(env: NodeJS.ProcessEnv, home: string): EngineCandidate | undefined {
  const configDir = env.DOCKER_CONFIG ?? join(home, '.docker');
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (
        JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as {
          currentContext?: string;
        }
      ).currentContext;
    } catch {
      return undefined; // No CLI config: there is no current context to honour.
    }
  }
  if (!name || name === 'default') return undefined;
  const digest = createHash('sha256').update(name).digest('hex');
  try {
    const meta = JSON.parse(
      readFileSync(join(configDir, 'contexts/meta', digest, 'meta.json'), 'utf8'),
    ) as {
      Endpoints?: { docker?: { Host?: string } };
    };
    const host = meta.Endpoints?.docker?.Host;
    return host ? { host, source: `docker context "${name}"` } : undefined;
  } catch {
    return undefined; // A context named in config.json but not on disk: the CLI ignores it too.
  }
}

/** dockerode options for a host string. */
export function dockerOptions(host: string): Docker.DockerOptions {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://'))
    return { socketPath: host.slice('npipe://'.length).replaceAll('/', '\\') };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
}

/**
 * Finds a working engine or throws one `UserError` (exit 2) that lists every place tried, what
 * each said, and how to start an engine on this platform.
 */
export async function findEngine(
  env: NodeJS.ProcessEnv = process.env,
  candidates: EngineCandidate[] = engineCandidates(env),
): Promise<Engine> {
  const tried: string[] = [];
  for (const c of candidates) {
    if (c.host.startsWith('unix://') && !existsSync(c.host.slice(7))) {
      tried.push(`${c.host} (${c.source}): no such socket`);
      continue;
    }
    const docker = new Docker({ ...dockerOptions(c.host), timeout: 5000 });
    try {
      await docker.ping();
      // The ping has a timeout; the engine's client has none, or log and event streams would be
      // cut after 5 s of quiet.
      return new DockerEngine(new Docker(dockerOptions(c.host)), `${c.host} (${c.source})`);
    } catch (err) {
      tried.push(`${c.host} (${c.source}): ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new UserError(`no container engine answered. Tried:\n  ${tried.join('\n  ')}`, {
    hint: startHint(env),
    exitCode: 2,
  });
}

function startHint(env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_HOST) {
    return 'DOCKER_HOST is set, so only it was tried: start the engine it names, or unset DOCKER_HOST to use the default socket.';
  }
  switch (process.platform) {
    case 'darwin':
      return 'Start Docker Desktop, OrbStack, Colima (`colima start`) or a Podman machine (`podman machine start`), then run this again.';
    case 'win32':
      return 'Start Docker Desktop (with the WSL 2 engine), then run this again.';
    default:
      return 'Start the engine (`sudo systemctl start docker`; rootless: `systemctl --user start docker`), or install it (Debian/Ubuntu: `sudo apt-get install docker.io`), and make sure your user may use the socket (`sudo usermod -aG docker $USER`, then log in again).';
  }
}
