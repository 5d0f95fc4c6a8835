/**
 * JSON-lines logging on stdout, the container convention (one process, logs to stdout), for the
 * three programs of the runtime image (proxy, identity provider, collector). Callers pass only
 * the fields they mean to show; none of them logs tokens, cookies, Authorization headers, request
 * paths or query strings, so nothing here needs redacting.
 */

/** A log field value: JSON scalars and string lists only, so a line is always one line. */
export type LogValue = string | number | boolean | null | undefined | string[];

/** Where a program's log lines go. */
export interface Logger {
  info(message: string, fields?: Record<string, LogValue>): void;
  warn(message: string, fields?: Record<string, LogValue>): void;
  error(message: string, fields?: Record<string, LogValue>): void;
}

/** A logger writing one JSON object per line (`time`, `level`, `msg`, then the fields). */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, LogValue>): void => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
