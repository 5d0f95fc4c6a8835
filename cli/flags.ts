import type { Command } from 'commander';
import { UserError } from '../sandbox/errors.js';
import { describeEngines } from '../sandbox/platform/choose.js';
import { DEFAULT_DECLARATION, type PlanRequest } from '../sandbox/sandbox/resolve.js';
import type { CommandContext } from './context.js';

/** The flags that say which declaration to plan, and with what. */
export interface DeclarationFlags {
  file?: string;
  overlay?: string;
  replicas?: string;
  env?: string[];
}

/** The flags that find a sandbox that already exists. */
export interface SandboxFlags {
  file?: string;
  sandbox?: string;
}

/** The flags that choose the platform (cli/context.ts loads it). */
export interface EngineFlags {
  engine?: string;
  endpointMode?: string;
}

/** `-f/--file` and `--overlay`: the declaration and its rehearsal.yaml overlay. */
export function declarationFlags(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', `the declaration (default: ./${DEFAULT_DECLARATION})`)
    .option('--overlay <path>', 'the rehearsal.yaml overlay');
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

/** `-f/--file` and `--sandbox`: which existing sandbox a command acts on. */
export function sandboxFlags(cmd: Command, sandboxDescription = 'the sandbox'): Command {
  return cmd
    .option('-f, --file <path>', 'the declaration')
    .option('--sandbox <id>', sandboxDescription);
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
  return {
    cwd: c.cwd,
    imageMode: c.imageMode,
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.overlay ? { overlayFile: flags.overlay } : {}),
    ...(flags.replicas !== undefined ? { replicas: parseCount(flags.replicas, '--replicas') } : {}),
    ...(env ? { env } : {}),
    ...extra,
  };
}

/** The request that finds the existing sandbox the flags name. */
export function sandboxRequest(
  c: CommandContext,
  flags: SandboxFlags,
): PlanRequest & { sandbox?: string } {
  return {
    cwd: c.cwd,
    imageMode: c.imageMode,
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
  };
}

/** A `--… <seconds>` flag in milliseconds, its default from sandbox/defaults.ts. */
export function parseSeconds(text: string | undefined, flag: string, fallback: number): number {
  return parseCount(text ?? String(fallback), flag) * 1000;
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
