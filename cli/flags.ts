import type { Command } from 'commander';
import { DNS_LABEL } from '../sandbox/declaration/names.js';
import { UserError } from '../sandbox/errors.js';
import { describeEngines } from '../sandbox/platform/choose.js';
import { parseDuration } from '../sandbox/plan/duration.js';
import {
  DEFAULT_DECLARATION,
  type ExistingRequest,
  type PlanRequest,
} from '../sandbox/sandbox/resolve.js';
import type { CommandContext } from './context.js';

/** The flags that say which declaration to plan, and with what. */
export interface DeclarationFlags {
  file?: string;
  projectName?: string;
  overlay?: string;
  replicas?: string;
  env?: string[];
}

/** The flags that find a sandbox that already exists. */
export interface SandboxFlags {
  file?: string;
  projectName?: string;
  sandbox?: string;
}

/** The environment variable that names the sandbox when `-p` does not (compose's is COMPOSE_PROJECT_NAME). */
export const PROJECT_NAME_ENV = 'REHEARSAL_PROJECT_NAME';

/** The flags that choose the platform (cli/context.ts loads it). */
export interface EngineFlags {
  engine?: string;
  endpointMode?: string;
}

/** `-f/--file`, `--overlay` and `-p/--project-name`: the declaration, its overlay, the sandbox's name. */
export function declarationFlags(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', `the declaration (default: ./${DEFAULT_DECLARATION})`)
    .option('--overlay <path>', 'the rehearsal.yaml overlay')
    .option(
      '-p, --project-name <name>',
      `the sandbox's name (default: $${PROJECT_NAME_ENV}, else rehearsal.yaml's sandbox.name, else the product's)`,
    );
}

/** `-e/--env KEY=VALUE`, repeatable. */
export function envFlag(cmd: Command): Command {
  return cmd.option(
    '-e, --env <KEY=VALUE>',
    'a value for a declared variable (repeatable)',
    collect,
  );
}

/** `--replicas <n>`, with what it means for this command. */
export function replicasFlag(cmd: Command, description = 'replicas per task'): Command {
  return cmd.option('--replicas <n>', description);
}

/** `-f/--file` and `-p/--project-name` (or `--sandbox`): which existing sandbox a command acts on. */
export function sandboxFlags(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'the declaration')
    .option(
      '-p, --project-name <name>',
      `the sandbox, by name, from any folder (else $${PROJECT_NAME_ENV}, else the one of ./${DEFAULT_DECLARATION} or the only one here; \`rehearsal ls\` lists them)`,
    )
    .option('--sandbox <name>', 'the same as --project-name');
}

/** The sandbox name `-p`, `--sandbox` or $REHEARSAL_PROJECT_NAME gives, checked. */
export function projectName(flags: { projectName?: string; sandbox?: string }): string | undefined {
  const fromEnv = process.env[PROJECT_NAME_ENV] || undefined;
  const name = flags.projectName ?? flags.sandbox ?? fromEnv;
  if (name === undefined || DNS_LABEL.test(name)) return name;
  const source = (flags.projectName ?? flags.sandbox) ? '-p' : PROJECT_NAME_ENV;
  throw new UserError(`${source} "${name}" is not a sandbox name`, {
    hint: 'A sandbox name is lowercase letters, digits and dashes, starting with a letter, at most 40 characters: e.g. -p my-service.',
  });
}

/** `--engine` (and, for a deploy, the settings a platform reads: `--endpoint-mode`). */
export function engineFlags(cmd: Command, deploys = false): Command {
  cmd.option('--engine <engine>', `where the sandbox runs: ${describeEngines()}`, 'docker');
  if (!deploys) return cmd;
  return cmd.option(
    '--endpoint-mode <mode>',
    'swarm: dnsrr (the service name resolves to every task) or vip (a virtual IP; needs IPVS)',
    'dnsrr',
  );
}

/** The request that plans the declaration the flags name. */
export function planRequest(
  c: CommandContext,
  flags: DeclarationFlags,
  extra: Partial<PlanRequest> = {},
): PlanRequest {
  const env = parseEnvFlags(flags.env);
  const name = projectName(flags);
  return {
    cwd: c.cwd,
    ...(name ? { sandboxName: name } : {}),
    imageMode: c.imageMode,
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.overlay ? { overlayFile: flags.overlay } : {}),
    ...(flags.replicas !== undefined ? { replicas: parseCount(flags.replicas, '--replicas') } : {}),
    ...(env ? { env } : {}),
    ...extra,
  };
}

/**
 * The request that finds the existing sandbox the flags name: a sandbox named with `-p` whose
 * state is not under ./.rehearsal/ is found through the engine's labels, from any folder.
 */
export function sandboxRequest(c: CommandContext, flags: SandboxFlags): ExistingRequest {
  const name = projectName(flags);
  return {
    cwd: c.cwd,
    imageMode: c.imageMode,
    ...(flags.file ? { file: flags.file } : {}),
    ...(name
      ? {
          sandbox: name,
          locate: async (id: string) =>
            (await import('../sandbox/sandbox/on-engine.js')).stateDirOnEngine(
              await c.engine(),
              id,
            ),
        }
      : {}),
  };
}

/**
 * A duration flag in milliseconds: a plain number is seconds (`90`), else compose's units
 * (`90s`, `10m`, `1m30s`, `500ms`, `1h`). Its default comes from sandbox/defaults.ts.
 */
export function parseSeconds(text: string | undefined, flag: string, fallback: number): number {
  return parseDurationFlag(text ?? String(fallback), flag);
}

/** `90` (seconds), `90s`, `10m`, `1m30s`, `500ms`: milliseconds, or an error naming the flag. */
export function parseDurationFlag(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  try {
    return parseDuration(t);
  } catch {
    throw new UserError(`${flag} "${text}" is not a duration`, {
      hint: `Give seconds (${flag} 90) or a duration with units: 90s, 10m, 1m30s, 500ms, 1h.`,
    });
  }
}

/** Parses repeated `--env KEY=VALUE` flags. */
export function parseEnvFlags(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0)
      throw new UserError(`--env "${p}" is not KEY=VALUE`, {
        hint: 'Write it as --env DATABASE_URL=postgres://…',
      });
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** Parses a non-negative integer flag or argument, naming it in the error. */
export function parseCount(text: string, what: string): number {
  if (!/^\d+$/.test(text))
    throw new UserError(`${what} must be a whole number, not "${text}"`, {
      hint: `For example: 3.`,
    });
  return Number(text);
}

/** Commander's accumulator for a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
