/**
 * An error the user can fix: a bad input, a missing file, a condition of their machine. The one
 * top-level handler in `cli/` prints its message and hint and exits with its code; it lives in
 * this lowest layer so that code the CLI shares with the runtime programs (the local CA in
 * `proxy/ca/`) can throw it without importing from `sandbox/`.
 */

/** Where in an input file something is wrong. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** RFC 6901 JSON pointer into the parsed document, e.g. `/configuration/0/task/1/ports/0`. */
  pointer: string;
}

export interface UserErrorOptions {
  /** How to fix it, one sentence. */
  hint?: string;
  cause?: unknown;
  /** Exit code: 2 for bad input or usage (the default), 1 for "a requirement failed". */
  exitCode?: number;
  location?: SourceLocation;
}

export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly location: SourceLocation | undefined;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
    this.location = options.location;
  }
}
