import { CommanderError } from 'commander';
import {
  AbortedError,
  BugError,
  UserError,
  ValidationError,
  formatProblem,
} from '../sandbox/errors.js';
import type { RunOutcome } from '../sandbox/verdict.js';

/** Exit codes: 0 ok, 1 a requirement failed, 2 usage / user / tool error, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * A finished run's outcome becomes the exit code (1 when a MUST failed): a result, printed by
 * the views from `run.finished`, not an error banner. main.ts exits with it.
 */
export function exitWith(outcome: RunOutcome): void {
  process.exitCode = outcome.exitCode;
}

/**
 * The one place an error becomes output and an exit code. A user error prints a short banner with
 * its hint and no stack; anything else is a bug, with its stack under --verbose.
 */
export function reportError(
  err: unknown,
  verbose: boolean,
  write: (s: string) => void = (s) => process.stderr.write(s),
): number {
  if (err instanceof CommanderError) {
    // commander already printed its message; help and version are not failures.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof AbortedError) {
    write(`\nInterrupted.\n`);
    return EXIT.interrupted;
  }
  if (err instanceof ValidationError) {
    const errors = err.problems.filter((p) => p.severity === 'error');
    write(
      `\nError: the input is not valid (${errors.length} problem${errors.length === 1 ? '' : 's'}).\n`,
    );
    for (const p of errors) write(`  ${formatProblem(p)}\n`);
    return err.exitCode;
  }
  if (err instanceof UserError) {
    write(`\nError: ${err.message}\n`);
    if (err.hint) write(`Hint: ${err.hint}\n`);
    if (verbose && err.cause) write(`Cause: ${causeText(err.cause)}\n`);
    return err.exitCode;
  }
  const bug = err instanceof BugError ? err : undefined;
  write(`\nRehearsal failed unexpectedly: ${(err as Error)?.message ?? String(err)}\n`);
  if (verbose)
    write(
      `${(err as Error)?.stack ?? ''}\n${bug?.cause ? `Cause: ${causeText(bug.cause)}\n` : ''}`,
    );
  else write('Run again with --verbose for details, and please report it with that output.\n');
  return EXIT.usage;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
