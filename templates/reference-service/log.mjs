// One JSON object per line on stdout: the container's log is the only log.
// Callers pass fixed messages and counters only: no request body, no query
// string, no name or other PHI ever reaches a log line.

const RANK = { debug: 10, info: 20, warn: 30, error: 40 };

/** @param {'info'|'debug'} level */
export function createLogger(level) {
  const threshold = RANK[level] ?? RANK.info;
  const write = (lvl, msg, fields) => {
    if (RANK[lvl] < threshold) return;
    process.stdout.write(
      JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }) + '\n',
    );
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/**
 * What can safely be said about an error: its class and code. Driver messages
 * and details can quote stored values (a duplicate key, a bad input), so they
 * are left out.
 */
export function errorFields(err) {
  if (!(err instanceof Error)) return { error: typeof err };
  const fields = { error: err.name };
  if (typeof err.code === 'string') fields.code = err.code;
  // Where it happened, without the first stack line (that line is the message).
  const frames = (err.stack ?? '')
    .split('\n')
    .slice(1, 4)
    .map((line) => line.trim());
  if (frames.length > 0) fields.at = frames;
  return fields;
}
