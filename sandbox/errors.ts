/**
 * Errors the user can fix (`UserError`) and errors they cannot (`BugError`).
 * The one top-level handler in `cli/` prints a short banner for either and sets the exit code;
 * only a `BugError` (or an unknown throwable) shows a stack trace, and only under `--verbose`.
 */

// UserError lives in base/, the lowest layer, so the local CA (proxy/ca/) can throw it without
// importing upward; it is re-exported here for the rest of the CLI and the core.
import { UserError, type SourceLocation } from '../base/user-error.js';
export { UserError, type SourceLocation, type UserErrorOptions } from '../base/user-error.js';

/** One problem found in an input file; a `ValidationError` carries all of them. */
export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
  location: SourceLocation;
}

/** Formats a problem as one paragraph: `file:line:col (pointer): message. Hint: ...` */
export function formatProblem(p: Problem): string {
  const where = `${p.location.file}:${p.location.line}:${p.location.column}`;
  const pointer = p.location.pointer === '' ? '(document root)' : p.location.pointer;
  const hint = p.hint ? ` Hint: ${p.hint}${/[.!?]$/.test(p.hint) ? '' : '.'}` : '';
  return `${where} at ${pointer}: ${p.message}.${hint}`;
}

/** Bad input: one or more problems, each with its location. Exit code 2. */
export class ValidationError extends UserError {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0] ?? problems[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s))` : '';
    super(`${first ? formatProblem(first) : 'invalid input'}${more}`, {
      exitCode: 2,
      ...(first ? { location: first.location } : {}),
    });
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** Something Rehearsal itself got wrong. The message asks for a bug report. */
export class BugError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BugError';
  }
}

/** Ctrl-C / SIGINT: exit code 130, no banner beyond one line. */
export class AbortedError extends UserError {
  constructor(message = 'interrupted') {
    super(message, { exitCode: 130 });
    this.name = 'AbortedError';
  }
}
