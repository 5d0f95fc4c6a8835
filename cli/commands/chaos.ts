import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describeAction, type ChaosAction } from '../../sandbox/chaos/action.js';
import { dockerPlatform, type ChaosPlatform } from '../../sandbox/chaos/platform.js';
import type { RecoveryFigures } from '../../sandbox/chaos/recovery-figures.js';
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
import { parseEngine } from './up.js';

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
  engine?: string;
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
    .option('--down', 'remove the sandbox afterwards (also on Ctrl-C)')
    .option(
      '--engine <engine>',
      'docker (Rehearsal repairs), or swarm: the stack on a swarm, repaired by Swarm',
      'docker',
    );

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
  const { plan, loaded } = await planFromDeclaration(req);
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
    overlays: loaded.taskOverlays,
  };
  const { bounds } = await chaosTarget(plan, s.service);
  const onSwarm = parseEngine(flags.engine) === 'swarm';
  // Loaded on demand: only a run on a swarm needs it.
  const swarm = onSwarm ? await import('../../sandbox/swarm/index.js') : undefined;
  const platform = swarm ? swarm.swarmPlatform() : dockerPlatform;
  if (scenarioFile) {
    const path = resolve(c.cwd, scenarioFile);
    s.actions = parseScenario(path, readText(path), bounds);
  }
  refuseKinds(s.actions ?? [], platform, scenarioFile ?? 'the journal');
  const actions = chaosSchedule(
    s,
    bounds,
    plan.services.some((x) => x.role === 'database'),
    platform.kinds,
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
    if (swarm) await swarm.deploySwarm(plan, { engine, emit: c.emit, signal: interrupt.signal });
    else await up(plan, { engine, emit: c.emit, signal: interrupt.signal });
    const report = await runChaos(
      plan,
      { ...s, actions },
      { engine, emit: c.emit, signal: interrupt.signal, journalFile, platform },
    ).finally(async () => {
      if (!flags.down) return;
      if (swarm) await swarm.removeSwarm(plan, { engine, emit: c.emit });
      else await down(plan.sandboxId, { engine, emit: c.emit });
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

/** A scenario or journal may name actions the engine cannot take (on Swarm: disconnect, db-restart). */
function refuseKinds(actions: ChaosAction[], platform: ChaosPlatform, source: string): void {
  const refused = [...new Set(actions.map((a) => a.kind))].filter(
    (k) => !platform.kinds.includes(k),
  );
  if (refused.length === 0) return;
  throw new UserError(
    `${source} asks for ${refused.join(', ')}, which chaos does not do on ${platform.engine}`,
    {
      hint: `On ${platform.engine} the actions are: ${platform.kinds.join(', ')}. Leave the others out, or run with --engine docker.`,
    },
  );
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

/** "Repaired by Swarm (this run): kill → healthy 6.1 s, → serving through the edge 6.4 s (mean of 3)". */
function recoveryLine(f: RecoveryFigures, when: string): string {
  const s = (ms: number | undefined) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
  const who = f.engine === 'swarm' ? 'Swarm' : "Rehearsal's supervisor (plain Docker)";
  return `Repaired by ${who} (${when}): kill → replacement healthy ${s(f.healthyMeanMs)}, serving through the edge ${s(f.servingMeanMs)} (mean of ${f.kills}; worst ${s(f.servingMaxMs)})`;
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
    `Journeys (${t.origin}): ${
      Object.entries(t.journeys)
        .map(([k, v]) => `${k} ${v.ok}/${v.sent}`)
        .join(', ') || 'none'
    }.`,
    `Writes: ${t.acknowledgedWrites} acknowledged, ${t.lostWrites} lost.`,
    ...(t.websocket
      ? [
          `WebSocket ${t.websocket.path}: ${t.websocket.opened} opened, ${Object.values(t.websocket.reconnects).reduce((a, b) => a + b, 0)} reconnects, ${t.websocket.echoed}/${t.websocket.sent} echoed (${t.websocket.late} late), ${t.websocket.inFlightAtDrop} in flight at a drop, ${t.websocket.silentClosed} silent socket(s) closed, ${t.websocket.stalled} stalled by a fault, ${t.websocket.lost} lost.`,
          ...(t.websocketLost ?? []).map(
            (m) =>
              `  lost: ${m.message} sent at ${(m.at / 1000).toFixed(1)} s on ${m.replica}, no fault on that replica`,
          ),
        ]
      : []),
    ...(kills.length
      ? [
          `SIGKILL: ${kills.length}, failed requests per kill ${(kills.reduce((n, k) => n + k.failedRequests, 0) / kills.length).toFixed(1)}` +
            (t.websocket
              ? `, WebSocket reconnects per kill ${(kills.reduce((n, k) => n + k.socketDrops, 0) / kills.length).toFixed(1)}`
              : '') +
            (serving.length
              ? `, kill → replacement serving ${(Math.max(...serving) / 1000).toFixed(1)} s at worst, ${(serving.reduce((a, b) => a + b, 0) / serving.length / 1000).toFixed(1)} s on average`
              : ''),
          recoveryLine(r.recovery.this, 'this run'),
          ...(r.recovery.other
            ? [recoveryLine(r.recovery.other, `last run, ${r.recovery.other.at.slice(0, 16)}`)]
            : []),
        ]
      : []),
    ...r.verdicts.map((v) => `${v.outcome.toUpperCase().padEnd(8)} ${v.requirement}: ${v.summary}`),
    `Journal: ${r.journal}`,
  ].join('\n');
}
