import type { Command } from 'commander';
import { formatProblem } from '../../sandbox/errors.js';
import type { Plan } from '../../sandbox/plan/types.js';
import type { SwarmNetworking } from '../../sandbox/swarm/stack.js';
import { scheduleCron } from '../../sandbox/sandbox/cron.js';
import { down } from '../../sandbox/sandbox/down.js';
import { sandboxLogs } from '../../sandbox/sandbox/logs.js';
import {
  DEFAULT_DECLARATION,
  planFromDeclaration,
  type PlanRequest,
} from '../../sandbox/sandbox/resolve.js';
import { status } from '../../sandbox/sandbox/status.js';
import { supervise } from '../../sandbox/sandbox/supervise.js';
import { up } from '../../sandbox/sandbox/up.js';
import { AbortedError, UserError } from '../../sandbox/errors.js';
import { collect, parseCount, parseEnvFlags, type CommandContext } from '../context.js';
import { interruptSignal } from '../signals.js';
import { wantsTui } from '../ui/wants-tui.js';
import { renderStatus } from './status.js';

export interface UpFlags {
  file?: string;
  overlay?: string;
  replicas?: string;
  env?: string[];
  detach?: boolean;
  down?: boolean;
  healthTimeout?: string;
  /** `docker` (default): Rehearsal drives the engine; `swarm`: a Docker stack on a swarm. */
  engine?: string;
  /** Swarm only: `dnsrr` (default, works without IPVS) or `vip`. */
  endpointMode?: string;
  /** The global `--no-tui` sets it false; the dashboard shows only in a terminal anyway. */
  tui?: boolean;
}

export function registerUp(program: Command, ctx: () => CommandContext): void {
  program
    .command('up')
    .description(
      "start the sandbox: database, then every task's replicas; wait until all are healthy",
    )
    .option('-f, --file <path>', `the declaration (default: ./${DEFAULT_DECLARATION})`)
    .option('--overlay <path>', 'the rehearsal.yaml overlay')
    .option('--replicas <n>', 'replicas per task (within the declared bounds)')
    .option('-e, --env <KEY=VALUE>', 'a value for a declared variable (repeatable)', collect)
    .option('-d, --detach', 'return once healthy instead of following the logs')
    .option('--down', 'when following, remove the sandbox on Ctrl-C')
    .option('--health-timeout <seconds>', 'how long a replica may take to become healthy', '180')
    .option('--engine <engine>', 'docker, or swarm: deploy as a Docker stack', 'docker')
    .option(
      '--endpoint-mode <mode>',
      'swarm: dnsrr (the service name resolves to every task) or vip (a virtual IP; needs IPVS)',
      'dnsrr',
    )
    .action(async (flags: UpFlags, cmd: Command) => {
      await runUp(ctx(), { ...flags, tui: cmd.optsWithGlobals<{ tui?: boolean }>().tui });
    });
}

/** `up` and `demo` share this: plan, converge, then follow or return. */
export async function runUp(c: CommandContext, flags: UpFlags): Promise<void> {
  const env = parseEnvFlags(flags.env);
  const req: PlanRequest = {
    cwd: c.cwd,
    imageMode: c.imageMode,
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.overlay ? { overlayFile: flags.overlay } : {}),
    ...(flags.replicas !== undefined ? { replicas: parseCount(flags.replicas, '--replicas') } : {}),
    ...(env ? { env } : {}),
  };
  const swarm = parseEngine(flags.engine) === 'swarm';
  const { plan, loaded } = await planFromDeclaration(req);
  const upOptions = {
    replicasExplicit:
      flags.replicas !== undefined ||
      Object.values(loaded.taskOverlays).some((o) => o.replicas !== undefined),
    healthTimeoutMs: parseCount(flags.healthTimeout ?? '180', '--health-timeout') * 1000,
  };
  if (swarm) {
    const endpointMode = parseEndpointMode(flags.endpointMode);
    const warnings = loaded.warnings.map(formatProblem);
    return upOnSwarm(c, plan, warnings, { ...upOptions, networking: { endpointMode } });
  }
  if (!flags.detach && wantsTui(flags.tui)) {
    // Loaded on demand: React and Ink are not needed on the plain path.
    const { upWithDashboard } = await import('../ui/dashboard/run.js');
    return upWithDashboard(c, plan, loaded, req, { ...upOptions, down: Boolean(flags.down) });
  }
  for (const w of loaded.warnings) c.emit({ type: 'warning', message: formatProblem(w) });
  const engine = await c.engine();
  const interrupt = interruptSignal();
  try {
    await up(plan, { engine, emit: c.emit, signal: interrupt.signal, ...upOptions });
    c.out(renderStatus(await status(plan, engine)));
    if (flags.detach) {
      process.stderr.write(
        `Left running. \`rehearsal status\`, \`rehearsal logs -f\`, \`rehearsal down\` (in ${c.cwd}).\n`,
      );
      return;
    }
    await follow(c, plan, interrupt.signal);
    if (flags.down) await down(plan.sandboxId, { engine, emit: c.emit });
    else
      process.stderr.write(
        `Sandbox ${plan.sandboxId} left running; \`rehearsal down\` removes it.\n`,
      );
    throw new AbortedError();
  } finally {
    interrupt.dispose();
  }
}

async function follow(c: CommandContext, plan: Plan, signal: AbortSignal): Promise<void> {
  const engine = await c.engine();
  process.stderr.write('Following the logs of every replica; Ctrl-C stops following.\n');
  scheduleCron(plan, engine, c.emit, signal);
  // Replicas that die while we follow are replaced, as the platform would.
  const supervisor = supervise(plan, { engine, emit: c.emit, signal });
  for await (const l of sandboxLogs(engine, plan.sandboxId, { follow: true, tail: 0, signal })) {
    c.out(`${l.container} | ${l.text}`);
  }
  await supervisor;
}

/** Which engine `--engine` names. */
export function parseEngine(value: string | undefined): 'docker' | 'swarm' {
  if (value === undefined || value === 'docker' || value === 'swarm') return value ?? 'docker';
  throw new UserError(`--engine ${value} is not an engine Rehearsal knows`, {
    hint: 'Use --engine docker (the default) or --engine swarm.',
  });
}

/** Which `--endpoint-mode` a stack's services get. */
export function parseEndpointMode(value: string | undefined): 'dnsrr' | 'vip' {
  if (value === undefined || value === 'dnsrr' || value === 'vip') return value ?? 'dnsrr';
  throw new UserError(`--endpoint-mode ${value} is not a Swarm endpoint mode`, {
    hint: 'Use --endpoint-mode dnsrr (works on any swarm) or --endpoint-mode vip (needs IPVS).',
  });
}

async function upOnSwarm(
  c: CommandContext,
  plan: Plan,
  warnings: string[],
  options: { healthTimeoutMs: number; networking: SwarmNetworking },
): Promise<void> {
  for (const message of warnings) c.emit({ type: 'warning', message });
  // Loaded on demand, like the dashboard: only a swarm deploy needs it.
  const { deploySwarm } = await import('../../sandbox/swarm/deploy.js');
  const engine = await c.engine();
  const interrupt = interruptSignal();
  try {
    await deploySwarm(plan, { engine, emit: c.emit, signal: interrupt.signal, ...options });
    c.out(renderStatus(await status(plan, engine)));
  } finally {
    interrupt.dispose();
  }
  process.stderr.write(
    `Stack ${plan.sandboxId} runs on the swarm; \`rehearsal down --engine swarm\` removes it.\n`,
  );
}
