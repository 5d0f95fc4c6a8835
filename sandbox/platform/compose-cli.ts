import { execa } from 'execa';
import { UserError } from '../errors.js';

/** What one `docker compose …` run gave back. */
export interface ComposeResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `docker <args>`; injected so the compose platform's logic is tested without an engine. */
export type ComposeRunner = (
  args: string[],
  options: { cwd?: string; signal?: AbortSignal },
) => Promise<ComposeResult>;

export const runDocker: ComposeRunner = async (args, options) => {
  const r = await execa('docker', args, {
    reject: false,
    stdin: 'ignore',
    forceKillAfterDelay: 10_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  const missing = (r as { code?: string }).code === 'ENOENT';
  return {
    exitCode: missing ? 127 : (r.exitCode ?? -1),
    stdout: String(r.stdout ?? ''),
    stderr: missing ? 'docker: command not found' : String(r.stderr ?? ''),
  };
};

/**
 * The version of the compose v2 plugin (`docker compose version --short`), or a `UserError` that
 * says how to install it on this platform: compose v1 (`docker-compose` 1.x) cannot run the
 * file as the compose engine needs (`up --wait`, project labels of v2).
 */
export async function requireComposeV2(
  run: ComposeRunner = runDocker,
  platform: NodeJS.Platform = process.platform,
): Promise<string> {
  const r = await run(['compose', 'version', '--short'], {});
  const version = r.stdout.trim().replace(/^v/, '');
  if (r.exitCode === 0 && /^2\./.test(version)) return version;
  const said = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
  const what =
    r.exitCode === 127
      ? 'the docker CLI is not on PATH, and --engine compose runs `docker compose`'
      : r.exitCode === 0
        ? `docker compose ${version} is not Compose v2`
        : `no Docker Compose v2 plugin answers \`docker compose version\` (${said})`;
  throw new UserError(what, { hint: composeInstallHint(platform) });
}

/** How to get the compose v2 plugin on this operating system. */
export function composeInstallHint(platform: NodeJS.Platform): string {
  const otherEngines = ' Or leave out --engine compose: plain Docker needs no plugin.';
  if (platform === 'darwin') {
    return (
      'Docker Desktop, OrbStack and Rancher Desktop include it (update them). With Colima: ' +
      '`brew install docker-compose`, then add "cliPluginsExtraDirs": ["$(brew --prefix)/lib/docker/cli-plugins"] ' +
      'to ~/.docker/config.json.' +
      otherEngines
    );
  }
  if (platform === 'win32') {
    return (
      'Docker Desktop includes it: update Docker Desktop (https://docs.docker.com/compose/install/).' +
      otherEngines
    );
  }
  return (
    "Install Docker's compose plugin: `sudo apt-get install docker-compose-plugin` or " +
    "`sudo dnf install docker-compose-plugin` from Docker's package repository; on Debian 13 " +
    '(trixie) or Ubuntu 24.04+, `sudo apt-get install docker-compose`; or put the ' +
    'docker-compose binary of https://github.com/docker/compose/releases at ' +
    '~/.docker/cli-plugins/docker-compose and `chmod +x` it. Check with `docker compose version`.' +
    otherEngines
  );
}

/** The last lines of what compose printed, for an error message. */
export function composeFailure(args: string[], r: ComposeResult, project: string): UserError {
  const tail = (r.stderr || r.stdout).trim().split('\n').slice(-4).join('\n  ');
  return new UserError(`docker compose ${args.join(' ')} failed (exit ${r.exitCode}):\n  ${tail}`, {
    hint: `See the containers with \`docker compose -p ${project} ps --all\` and their output with \`docker compose -p ${project} logs\`.`,
  });
}
