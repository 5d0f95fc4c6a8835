import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describeAction, type ChaosAction } from '../../sandbox/chaos/action.js';
import { readJournal } from '../../sandbox/chaos/journal.js';
import { newSeed } from '../../sandbox/chaos/prng.js';
import type { ChaosReport, ChaosSettings } from '../../sandbox/chaos/run.js';
import { parseScenario } from '../../sandbox/chaos/scenario.js';
import { UserError } from '../../sandbox/errors.js';
import { down } from '../../sandbox/sandbox/down.js';
import { planFromDeclaration, type PlanRequest } from '../../sandbox/sandbox/resolve.js';
import { up } from '../../sandbox/sandbox/up.js';
import { collect, parseCount, parseEnvFlags, type CommandContext } from '../context.js';
import { interruptSignal } from '../signals.js';

interface ChaosFlags {
  file?: string;
  overlay?: string;
  env?: string[];
  seed?: string;
  duration?: string;
  rate?: string;
  rps?: string;
  scenario?: string;
  service?: string;
  dryRun?: boolean;
  journal?: string;
  json?: boolean;
  down?: boolean;
}

const common = (cmd: Command): Command =>
  cmd
    .option('-f, --file <path>', 'the declaration (default: ./marketplace.json)')
    .option('--overlay <path>', 'the rehearsal.yaml overlay')
    .option('-e, --env <KEY=VALUE>', 'a value for a variable of the task (repeatable)', collect)
    .option('--service <task>', 'the task to aim at (default: the first behind the TLS edge)')
    .option('--rps <n>', 'traffic: requests per second', '40')
    .option('--dry-run', 'print the schedule of actions only; touch nothing')
    .option('--journal <file>', 'where to write the JSONL journal')
    .option('--json', 'print the report as JSON on stdout')
    .option('--down', 'remove the sandbox afterwards (also on Ctrl-C)');

export function registerChaos(program: Command, ctx: () => CommandContext): void {
  common(
    program
      .command('chaos')
      .description(
        'kill, stop, pause, disconnect and rescale replicas under live traffic; verdicts for ephemeral, stateless, incorruptible, scalable',
      )
      .option('--seed <n>', 'seed of every random choice (default: a new one, printed)')
      .option('--duration <seconds>', 'how long traffic and chaos run', '60')
      .option('--rate <n>', 'chaos actions per minute', '20')
      .option('--scenario <file>', 'a YAML list of timed actions instead of random ones'),
  ).action(async (flags: ChaosFlags) => {
    const c = ctx();
    const durationMs = parseCount(flags.duration ?? '60', '--duration') * 1000;
    const seed = flags.seed !== undefined ? parseCount(flags.seed, '--seed') : newSeed();
    const settings: ChaosSettings = {
      seed,
      durationMs,
      perMinute: parseCount(flags.rate ?? '20', '--rate'),
      mode: flags.scenario ? 'scenario' : 'random',
    };
    await runCommand(c, flags, settings, flags.scenario);
  });

  common(
    program
      .command('replay')
      .description("repeat a chaos run's actions from its journal")
      .argument('<journal>', 'a journal written by `rehearsal chaos`'),
  ).action(async (file: string, flags: ChaosFlags) => {
    const c = ctx();
    const j = readJournal(resolve(c.cwd, file));
    const settings: ChaosSettings = {
      seed: j.head.seed,
      durationMs: j.head.durationMs,
      perMinute: j.head.perMinute,
      mode: 'replay',
      actions: j.actions,
      service: j.head.service,
    };
    await runCommand(c, flags, settings, undefined, j.head.declarationSha256);
  });
}

async function runCommand(
  c: CommandContext,
  flags: ChaosFlags,
  settings: ChaosSettings,
  scenarioFile: string | undefined,
  replayOf?: string,
): Promise<void> {
  const env = parseEnvFlags(flags.env);
  const req: PlanRequest = {
    cwd: c.cwd,
    imageMode: c.imageMode,
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.overlay ? { overlayFile: flags.overlay } : {}),
    ...(env ? { env } : {}),
  };
  const { plan } = await planFromDeclaration(req);
  // Loaded on demand: the chaos run and its traffic generator serve this command only.
  const { chaosSchedule, chaosTarget, runChaos } = await import('../../sandbox/chaos/run.js');
  if (replayOf && replayOf !== plan.declarationSha256) {
    c.emit({
      type: 'warning',
      message:
        'the declaration changed since the journal was written: the same actions may act differently',
    });
  }
  const s: ChaosSettings = {
    ...settings,
    rps: parseCount(flags.rps ?? '40', '--rps'),
    ...(flags.service ? { service: flags.service } : {}),
  };
  const { bounds } = await chaosTarget(plan, s.service);
  if (scenarioFile) {
    const path = resolve(c.cwd, scenarioFile);
    s.actions = parseScenario(path, readText(path), bounds);
  }
  const actions = chaosSchedule(
    s,
    bounds,
    plan.services.some((x) => x.role === 'database'),
  );
  if (flags.dryRun) return printSchedule(c, s, actions, Boolean(flags.json));

  const engine = await c.engine();
  const interrupt = interruptSignal();
  const journalFile = resolve(
    c.cwd,
    flags.journal ??
      join(
        plan.stateDir,
        `chaos-${s.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
      ),
  );
  try {
    await up(plan, { engine, emit: c.emit, signal: interrupt.signal });
    const report = await runChaos(
      plan,
      { ...s, actions },
      { engine, emit: c.emit, signal: interrupt.signal, journalFile },
    ).finally(async () => {
      if (flags.down) await down(plan.sandboxId, { engine, emit: c.emit });
    });
    c.out(flags.json ? JSON.stringify(report, null, 2) : summary(report));
    const failed = report.verdicts.filter((v) => v.outcome === 'fail');
    if (failed.length > 0) {
      throw new UserError(
        `${failed.length} of ${report.verdicts.length} verdicts failed: ${failed.map((v) => v.requirement).join(', ')}`,
        {
          exitCode: 1,
          hint: `The evidence is above; every action and observation is in ${report.journal}. Repeat the run with --seed ${report.seed}.`,
        },
      );
    }
  } finally {
    interrupt.dispose();
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UserError(`cannot read the scenario ${path}`, {
      hint: 'Name a YAML file with a list of actions, e.g. `- { at: 5s, action: kill }`.',
      cause,
    });
  }
}

function printSchedule(
  c: CommandContext,
  s: ChaosSettings,
  actions: ChaosAction[],
  json: boolean,
): void {
  if (json) {
    c.out(JSON.stringify({ seed: s.seed, durationMs: s.durationMs, actions }, null, 2));
    return;
  }
  c.out(
    [
      `seed ${s.seed}: ${actions.length} action(s) over ${s.durationMs / 1000} s (dry run: nothing touched)`,
      ...actions.map((a) => `  ${describeAction(a)}`),
    ].join('\n'),
  );
}

function summary(r: ChaosReport): string {
  const t = r.traffic;
  const kills = r.actions.filter((a) => a.action.kind === 'kill');
  const serving = kills
    .map((k) => k.replacementServingMs)
    .filter((x): x is number => x !== undefined);
  return [
    `Chaos on ${r.sandboxId}/${r.service}, seed ${r.seed}: ${r.actions.length} action(s).`,
    `Traffic: ${t.requests} requests in ${t.seconds} s (${t.rps} req/s), p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms; errors: ${
      Object.entries(t.errors)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ') || 'none'
    }.`,
    `Writes: ${t.acknowledgedWrites} acknowledged, ${t.lostWrites} lost.`,
    ...(kills.length
      ? [
          `SIGKILL: ${kills.length}, failed requests per kill ${(kills.reduce((n, k) => n + k.failedRequests, 0) / kills.length).toFixed(1)}` +
            (serving.length
              ? `, kill → replacement serving ${(Math.max(...serving) / 1000).toFixed(1)} s at worst, ${(serving.reduce((a, b) => a + b, 0) / serving.length / 1000).toFixed(1)} s on average`
              : ''),
        ]
      : []),
    ...r.verdicts.map((v) => `${v.outcome.toUpperCase().padEnd(8)} ${v.requirement}: ${v.summary}`),
    `Journal: ${r.journal}`,
  ].join('\n');
}
