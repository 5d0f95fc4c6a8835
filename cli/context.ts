import type { Engine } from '../sandbox/engine/engine.js';
import type { Emit } from '../sandbox/events.js';
import { imageModeFromEnv, type ImageMode } from '../sandbox/images/catalogue.js';
import type { Platform } from '../sandbox/platform/platform.js';
import type { EngineFlags } from './flags.js';
import { plainReporter } from './plain-reporter.js';

/** What every command gets: where it runs, how it reports, and the engine on demand. */
export interface CommandContext {
  cwd: string;
  verbose: boolean;
  emit: Emit;
  imageMode: ImageMode;
  engine(): Promise<Engine>;
  /**
   * The platform `--engine` names (plain Docker by default), chosen once per run: the commands
   * deploy, remove, scale and repair through it and never name an engine themselves.
   */
  platform(flags?: EngineFlags): Promise<Platform>;
  out(text: string): void;
  /**
   * The view of a run whose end is its result (`chaos`, `check`): progress on stderr unless
   * `progress` is false, and the `run.finished` event on stdout, as text or as JSON.
   */
  runView(options: { json?: boolean; progress?: boolean }): Emit;
}

export function createContext(options: { verbose?: boolean }): CommandContext {
  let engine: Promise<Engine> | undefined;
  let platform: Promise<Platform> | undefined;
  const verbose = options.verbose ?? false;
  return {
    cwd: process.cwd(),
    verbose,
    emit: plainReporter({ verbose }),
    imageMode: imageModeFromEnv(),
    // Loaded on demand: the Docker client is most of the start-up cost, and validate/plan and
    // every input error never need it.
    engine: () =>
      (engine ??= import('../sandbox/engine/find-engine.js').then((m) => m.findEngine())),
    platform: (flags = {}) =>
      (platform ??= import('../sandbox/platform/choose.js').then((m) =>
        m.loadPlatform(flags.engine, {
          ...(flags.endpointMode ? { endpointMode: flags.endpointMode } : {}),
        }),
      )),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    runView: (o) => plainReporter({ verbose, ...o }),
  };
}
