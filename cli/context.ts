import type { Engine } from '../sandbox/engine/engine.js';
import type { Emit } from '../sandbox/events.js';
import { imageModeFromEnv, type ImageMode } from '../sandbox/images/catalogue.js';
import { UserError } from '../sandbox/errors.js';
import { plainReporter } from './plain-reporter.js';

/** What every command gets: where it runs, how it reports, and the engine on demand. */
export interface CommandContext {
  cwd: string;
  verbose: boolean;
  emit: Emit;
  imageMode: ImageMode;
  engine(): Promise<Engine>;
  out(text: string): void;
}

export function createContext(options: { verbose?: boolean }): CommandContext {
  let engine: Promise<Engine> | undefined;
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
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
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

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
