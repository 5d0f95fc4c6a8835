import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { UserError } from '../errors.js';
import { DockerEngine } from './docker-engine.js';
import { dockerOptions, type EngineTls } from './engine-connection.js';
import type { Engine } from './engine.js';

export { dockerOptions } from './engine-connection.js';

/** One place an engine might answer. */
export interface EngineCandidate {
  /** `unix:///path`, `tcp://host:port`, `ssh://user@host[:port]` or `npipe:////./pipe/name`. */
  host: string;
  /** Why we looked there: "DOCKER_HOST", "docker context colima", "rootless Docker", … */
  source: string;
  /** TLS for a `tcp://` host: DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, or the context's TLS folder. */
  tls?: EngineTls;
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
  if (env.DOCKER_HOST) {
    const tls = envTls(env, home);
    return [{ host: env.DOCKER_HOST, source: 'DOCKER_HOST', ...(tls ? { tls } : {}) }];
  }
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

/**
 * TLS as the docker CLI reads it from the environment: DOCKER_TLS_VERIFY (any value) checks the
 * engine's certificate, DOCKER_TLS only encrypts; the files are in DOCKER_CERT_PATH, else in the
 * CLI's configuration folder.
 */
function envTls(env: NodeJS.ProcessEnv, home: string): EngineTls | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  return { dir: env.DOCKER_CERT_PATH || configDirOf(env, home), verify };
}

function configDirOf(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG ?? join(home, '.docker');
}

function currentContextHost(env: NodeJS.ProcessEnv, home: string): EngineCandidate | undefined {
  const configDir = configDirOf(env, home);
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
      Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
    };
    const endpoint = meta.Endpoints?.docker;
    if (!endpoint?.Host) return undefined;
    // `docker context create --docker host=tcp://…,ca=…,cert=…,key=…` keeps the files here.
    const tlsDir = join(configDir, 'contexts/tls', digest, 'docker');
    const tls = existsSync(tlsDir) ? { dir: tlsDir, verify: !endpoint.SkipTLSVerify } : undefined;
    return { host: endpoint.Host, source: `docker context "${name}"`, ...(tls ? { tls } : {}) };
  } catch {
    return undefined; // A context named in config.json but not on disk: the CLI ignores it too.
  }
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
    const options = dockerOptions(c.host, { env, ...(c.tls ? { tls: c.tls } : {}) });
    // docker-modem's timeout sets one on the socket, which an ssh channel lacks (a TypeError): an
    // ssh ping gets a deadline of its own, and more time, since each request opens a connection.
    const ssh = c.host.startsWith('ssh://');
    const docker = new Docker(ssh ? options : { ...options, timeout: 5000 });
    try {
      await (ssh ? withDeadline(docker.ping(), 15_000) : docker.ping());
      // The ping has a timeout; the engine's client has none, or log and event streams would be
      // cut after 5 s of quiet.
      return new DockerEngine(new Docker(options), `${c.host} (${c.source})`);
    } catch (err) {
      const why = (err as Error).message.split('\n')[0] ?? '';
      // ssh2 says only "verification failed": name the file that decided.
      const known = /verification failed/i.test(why)
        ? ' (the host key is not one ~/.ssh/known_hosts lists for it)'
        : '';
      tried.push(`${c.host} (${c.source}): ${why}${known}`);
    }
  }
  throw new UserError(`no container engine answered. Tried:\n  ${tried.join('\n  ')}`, {
    hint: startHint(env),
    exitCode: 2,
  });
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function startHint(env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_HOST?.startsWith('ssh://')) {
    return 'DOCKER_HOST names an engine over ssh: check that `ssh <user>@<host> docker version` works without a prompt (the host key in ~/.ssh/known_hosts, your key in an agent or ~/.ssh/id_ed25519), or unset DOCKER_HOST.';
  }
  if (env.DOCKER_HOST) {
    return 'DOCKER_HOST is set, so only it was tried: start the engine it names (with TLS: DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH holding ca.pem, cert.pem, key.pem), or unset DOCKER_HOST to use the default socket.';
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
