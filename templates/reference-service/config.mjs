// Reads and checks the environment once, at start. Every problem is reported
// together so an operator fixes them in one go; nothing secret is echoed back.

const LOG_LEVELS = ['info', 'debug'];

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ ok: true, config: { databaseUrl: string, port: number, logLevel: 'info'|'debug' } }
 *         | { ok: false, errors: string[] }}
 */
export function readConfig(env) {
  const errors = [];

  const databaseUrl = (env.DATABASE_URL ?? '').trim();
  if (databaseUrl === '') {
    errors.push(
      'DATABASE_URL is required: a PostgreSQL connection URL, postgres://user:password@host:5432/database',
    );
  } else if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    // The value may hold a password: say what is wrong, never what it is.
    errors.push('DATABASE_URL must start with postgres:// or postgresql://');
  } else {
    try {
      new URL(databaseUrl);
    } catch {
      errors.push(
        'DATABASE_URL is not a valid URL (percent-encode special characters in the password)',
      );
    }
  }

  const portText = (env.PORT ?? '').trim() || '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    errors.push(`PORT must be a TCP port number from 1 to 65535, not "${portText}"`);
  }

  const logLevel = ((env.LOG_LEVEL ?? '').trim() || 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${env.LOG_LEVEL}"`);
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: { databaseUrl, port, logLevel } };
}

/** Where the database is, for log lines: host, port and database name, never credentials. */
export function describeDatabase(databaseUrl) {
  const url = new URL(databaseUrl);
  return {
    dbHost: url.hostname,
    dbPort: Number(url.port || 5432),
    dbName: url.pathname.slice(1) || undefined,
  };
}
