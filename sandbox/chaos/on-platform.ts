import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { refuseUnsupported, type Platform } from '../platform/platform.js';
import type { ChaosAction } from './action.js';
import {
  chaosSchedule,
  chaosTarget,
  runChaos,
  type ChaosReport,
  type ChaosSettings,
} from './run.js';
import { parseScenario } from './scenario.js';
import { chaosFinished } from './verdicts.js';
import { previewTaskTraffic, type TrafficPreview } from '../traffic/task-traffic.js';

/** The journeys a chaos run of these settings would send (for `--dry-run`). */
export async function previewChaosTraffic(
  plan: Plan,
  settings: ChaosSettings,
): Promise<TrafficPreview & { service: string }> {
  const { service } = await chaosTarget(plan, settings.service);
  return { ...(await previewTaskTraffic(plan, service, settings.overlays)), service: service.name };
}

/**
 * The actions a chaos run will take on this platform: the scenario's (a YAML file's text), the
 * journal's (replay), or the seeded random schedule, drawn from what the platform can do. A
 * scenario or journal that asks for more is refused before anything is deployed.
 */
export async function planChaos(
  plan: Plan,
  settings: ChaosSettings,
  platform: Platform,
  scenario?: { path: string; text: string },
): Promise<ChaosAction[]> {
  const { bounds } = await chaosTarget(plan, settings.service);
  const s = scenario
    ? { ...settings, actions: parseScenario(scenario.path, scenario.text, bounds) }
    : settings;
  refuseUnsupported(platform, s.actions ?? [], scenario?.path ?? 'the journal');
  const database = plan.services.some((x) => x.role === 'database');
  return chaosSchedule(s, bounds, database, platform.kinds);
}

/**
 * Deploys the sandbox on the platform, runs chaos with the planned actions, and removes the
 * sandbox afterwards when asked (also when the run fails or is interrupted). A run that ends by
 * itself ends with `run.finished`, the event views print its summary from.
 */
export async function chaosOnPlatform(
  plan: Plan,
  settings: ChaosSettings & { actions: ChaosAction[] },
  options: {
    engine: Engine;
    emit: Emit;
    signal: AbortSignal;
    journalFile: string;
    platform: Platform;
    removeAfter: boolean;
  },
): Promise<ChaosReport> {
  const { engine, emit, signal, platform } = options;
  await platform.deploy(plan, { engine, emit, signal });
  const report = await runChaos(plan, settings, {
    engine,
    emit,
    signal,
    journalFile: options.journalFile,
    platform,
  }).finally(async () => {
    if (options.removeAfter) await platform.remove(plan, { engine, emit });
  });
  emit(chaosFinished(report));
  return report;
}
