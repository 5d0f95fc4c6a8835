import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readJournal } from '../../sandbox/chaos/journal.js';
import { newSeed } from '../../sandbox/chaos/prng.js';
import type { ChaosSettings } from '../../sandbox/chaos/run.js';
import { DEFAULTS } from '../../sandbox/defaults.js';
import { UserError } from '../../sandbox/errors.js';
import { chaosFinished } from '../../sandbox/chaos/verdicts.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import type { CommandContext } from '../context.js';
import {
  declarationFlags,
  engineFlags,
  envFlag,
  parseCount,
  parseSeconds,
  planRequest,
  type DeclarationFlags,
  type EngineFlags,
} from '../flags.js';
import { interruptSignal } from '../signals.js';
import { exitWith } from '../exit.js';
import { renderSchedule } from '../views/chaos-summary.js';

interface ChaosFlags extends DeclarationFlags, EngineFlags {
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
  engineFlags(
    envFlag(declarationFlags(cmd))
      .option('--service <task>', 'the task to aim at (default: the first behind the TLS edge)')
      .option('--rps <n>', 'traffic: requests per second', String(DEFAULTS.chaos.rps))
      .option('--dry-run', 'print the schedule of actions only; touch nothing')
      .option('--journal <file>', 'where to write the JSONL journal')
      .option('--json', 'print the report as JSON on stdout')
      .option('--down', 'remove the sandbox afterwards (also on Ctrl-C)'),
  );

export function registerChaos(program: Command, ctx: () => CommandContext): void {
  common(
    program
      .command('chaos')
      .description(
        'kill, stop, pause, disconnect and rescale replicas under live traffic; verdicts for ephemeral, stateless, incorruptible, scalable',
      )
      .option('--seed <n>', 'seed of every random choice (default: a new one, printed)')
      .option(
        '--duration <duration>',
        'how long traffic and chaos run (90s, 10m; a bare number is seconds)',
        String(DEFAULTS.chaos.durationSeconds),
      )
      .option('--rate <n>', 'chaos actions per minute', String(DEFAULTS.chaos.perMinute))
      .option('--scenario <file>', 'a YAML list of timed actions instead of random ones'),
  ).action(async (flags: ChaosFlags) => {
    const settings: ChaosSettings = {
      seed: flags.seed !== undefined ? parseCount(flags.seed, '--seed') : newSeed(),
      durationMs: parseSeconds(flags.duration, '--duration', DEFAULTS.chaos.durationSeconds),
      perMinute: parseCount(flags.rate ?? String(DEFAULTS.chaos.perMinute), '--rate'),
      mode: flags.scenario ? 'scenario' : 'random',
    };
    await runCommand(ctx(), flags, settings, flags.scenario);
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
  const { plan, loaded } = await planFromDeclaration(planRequest(c, flags));
  // Loaded on demand: the chaos run and its traffic generator serve this command only.
  const { chaosOnPlatform, planChaos, previewChaosTraffic } =
    await import('../../sandbox/chaos/on-platform.js');
  if (replayOf && replayOf !== plan.declarationSha256) {
    c.emit({
      type: 'warning',
      message:
        'the declaration changed since the journal was written: the same actions may act differently',
    });
  }
  const s: ChaosSettings = {
    ...settings,
    rps: parseCount(flags.rps ?? String(DEFAULTS.chaos.rps), '--rps'),
    ...(flags.service ? { service: flags.service } : {}),
    overlays: loaded.taskOverlays,
  };
  const platform = await c.platform(flags);
  const path = scenarioFile ? resolve(c.cwd, scenarioFile) : undefined;
  const actions = await planChaos(
    plan,
    s,
    platform,
    path ? { path, text: readText(path) } : undefined,
  );
  if (flags.dryRun)
    return c.out(
      renderSchedule(s, actions, Boolean(flags.json), await previewChaosTraffic(plan, s)),
    );

  const engine = await c.engine();
  const interrupt = interruptSignal();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const journalFile = resolve(
    c.cwd,
    flags.journal ?? join(plan.stateDir, `chaos-${s.seed}-${stamp}.jsonl`),
  );
  try {
    const report = await chaosOnPlatform(
      plan,
      { ...s, actions },
      {
        engine,
        emit: c.runView({ json: Boolean(flags.json) }),
        signal: interrupt.signal,
        journalFile,
        platform,
        removeAfter: Boolean(flags.down),
      },
    );
    exitWith(chaosFinished(report).outcome);
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
