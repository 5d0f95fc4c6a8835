import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { UserError } from '../errors.js';
import { knownHostsVerifier } from './known-hosts.js';

/** TLS for a `tcp://` engine, as the docker CLI takes it: a folder of ca.pem, cert.pem, key.pem. */
export interface EngineTls {
  dir: string;
  /** false: encrypt, but do not check the engine's certificate (DOCKER_TLS, SkipTLSVerify). */
  verify: boolean;
}

/** The identities ssh tries when no agent has the key, in ssh's own order. */
const SSH_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * dockerode (docker-modem) options for an engine address. docker-modem itself speaks every
 * transport the docker CLI does — a unix socket or named pipe, plain TCP, TLS with a client
 * certificate, and ssh (it runs `docker system dial-stdio` on the remote host); this only fills
 * its options from what the CLI would read: the TLS folder of DOCKER_CERT_PATH or of the docker
 * context, and for ssh the agent (SSH_AUTH_SOCK) or the user's default key, with the host key
 * checked against `~/.ssh/known_hosts` as ssh would.
 */
export function dockerOptions(
  host: string,
  options: { tls?: EngineTls; env?: NodeJS.ProcessEnv } = {},
): Docker.DockerOptions {
  const env = options.env ?? process.env;
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://'))
    return { socketPath: host.slice('npipe://'.length).replaceAll('/', '\\') };
  if (host.startsWith('ssh://')) return sshOptions(new URL(host), env);
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  const tls = options.tls;
  if (!tls) return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
  const read = (name: string): Buffer | undefined => {
    const file = join(tls.dir, name);
    return existsSync(file) ? readFileSync(file) : undefined;
  };
  const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')];
  return {
    host: url.hostname,
    port: Number(url.port || 2376),
    protocol: 'https',
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    // docker-modem has no switch for an unverified engine: its requests take this agent's.
    ...(tls.verify
      ? {}
      : {
          agent: new Agent({
            ...(cert ? { cert } : {}),
            ...(key ? { key } : {}),
            rejectUnauthorized: false,
          }),
        }),
  };
}

function sshOptions(url: URL, env: NodeJS.ProcessEnv): Docker.DockerOptions {
  const home = env.HOME ?? homedir();
  const identity = SSH_IDENTITIES.map((n) => join(home, '.ssh', n)).find((f) => existsSync(f));
  const agent = env.SSH_AUTH_SOCK;
  if (!agent && !identity) {
    throw new UserError(`DOCKER_HOST is ${url.href}, but there is no ssh key to log in with`, {
      hint: `Start an ssh agent holding your key (eval "$(ssh-agent)"; ssh-add), or create ~/.ssh/id_ed25519 (ssh-keygen -t ed25519) and add its .pub to ${url.username || 'the user'}'s ~/.ssh/authorized_keys on ${url.hostname}.`,
      exitCode: 2,
    });
  }
  const port = Number(url.port || 22);
  return {
    protocol: 'ssh',
    host: url.hostname,
    port,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    sshOptions: {
      // With an agent, ssh2 asks it; a key file is read only without one (it may need a passphrase).
      ...(agent ? { agent } : { privateKey: readFileSync(identity!) }),
      hostVerifier: knownHostsVerifier(join(home, '.ssh', 'known_hosts'), url.hostname, port),
      readyTimeout: 10_000,
    },
  };
}
