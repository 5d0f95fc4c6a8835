import { DEFAULTS } from '../sandbox/defaults.js';
import { AbortedError, formatProblem } from '../sandbox/errors.js';
import type { Platform } from '../sandbox/platform/platform.js';
import type { Plan } from '../sandbox/plan/types.js';
import { scheduleCron } from '../sandbox/sandbox/cron.js';
import { sandboxLogs } from '../sandbox/sandbox/logs.js';
import { planFromDeclaration } from '../sandbox/sandbox/resolve.js';
import type { CommandContext } from './context.js';
import { parseSeconds, planRequest, type DeclarationFlags, type EngineFlags } from './flags.js';
import { interruptSignal } from './signals.js';
import { renderStatus } from './views/status-table.js';
import { wantsTui } from './ui/wants-tui.js';

export interface UpFlags extends DeclarationFlags, EngineFlags {
  detach?: boolean;
  down?: boolean;
  healthTimeout?: string;
  /** The global `--no-tui` sets it false; the dashboard shows only in a terminal anyway. */
  tui?: boolean;
}

/**
 * `up` and `demo` share this: plan, deploy on the chosen platform, then follow or return. A
 * platform that repairs the sandbox itself is left to it once deployed; on one that does not,
 * Rehearsal stays (the dashboard, or the logs) and repairs what dies.
 */
export async function runUp(c: CommandContext, flags: UpFlags): Promise<void> {
  const platform = await c.platform(flags);
  const req = planRequest(c, flags);
  const { plan, loaded } = await planFromDeclaration(req);
  const upOptions = {
    // Per task: a count one task's overlay asks for leaves the others' running counts alone.
    replicasExplicit:
      flags.replicas !== undefined ||
      Object.entries(loaded.taskOverlays)
        .filter(([, o]) => o.replicas !== undefined)
        .map(([name]) => name),
    healthTimeoutMs: parseSeconds(
      flags.healthTimeout,
      '--health-timeout',
      DEFAULTS.healthTimeoutSeconds,
    ),
  };
  if (!platform.repairsItself && !flags.detach && wantsTui(flags.tui)) {
    // Loaded on demand: React and Ink are not needed on the plain path.
    const { upWithDashboard } = await import('./ui/dashboard/run.js');
    return upWithDashboard(c, platform, plan, loaded, req, {
      ...upOptions,
      down: Boolean(flags.down),
    });
  }
  for (const w of loaded.warnings) c.emit({ type: 'warning', message: formatProblem(w) });
  const engine = await c.engine();
  const interrupt = interruptSignal();
  try {
    await platform.deploy(plan, { engine, emit: c.emit, signal: interrupt.signal, ...upOptions });
    c.out(renderStatus(await platform.status(plan, engine)));
    if (platform.repairsItself) {
      process.stderr.write(
        `Stack ${plan.sandboxId} runs on ${platform.runsOn}; \`${platform.downCommand}\` removes it.\n`,
      );
      return;
    }
    if (flags.detach) {
      process.stderr.write(
        `Left running. \`rehearsal ps -p ${plan.sandboxId}\`, \`rehearsal logs --follow -p ${plan.sandboxId}\`, \`${platform.downCommand} -p ${plan.sandboxId}\` (from any folder).\n`,
      );
      return;
    }
    await follow(c, platform, plan, interrupt.signal);
    if (flags.down) await platform.remove(plan, { engine, emit: c.emit });
    else
      process.stderr.write(
        `Sandbox ${plan.sandboxId} left running; \`${platform.downCommand}\` removes it.\n`,
      );
    throw new AbortedError();
  } finally {
    interrupt.dispose();
  }
}

/** Follows every replica's logs while the platform repairs what dies, until Ctrl-C. */
async function follow(
  c: CommandContext,
  platform: Platform,
  plan: Plan,
  signal: AbortSignal,
): Promise<void> {
  const engine = await c.engine();
  process.stderr.write('Following the logs of every replica; Ctrl-C stops following.\n');
  scheduleCron(plan, engine, c.emit, signal);
  // Replicas that die while we follow are replaced, as the platform would.
  const repairing = platform.repair(plan, { engine, emit: c.emit, signal });
  for await (const l of sandboxLogs(engine, plan.sandboxId, { follow: true, tail: 0, signal })) {
    c.out(`${l.container} | ${l.text}`);
  }
  await repairing;
}
