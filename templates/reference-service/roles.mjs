// The reference service's other entry points, run from the same image with other options
// (marketplace.json declares each as its own task): `--role=migrate`, the initialization task
// that creates the schema before the API starts, and `--role=expire-sessions`, a worker that
// deletes expired sessions. One process each, logs to stdout, nothing kept on disk but the
// worker's heartbeat in /tmp (the image's health check, healthcheck.sh, reads it), stops at once on SIGTERM.
//   NAUGHTY_IGNORE_SIGTERM   the worker ignores SIGTERM too             (stoppable)
//   NAUGHTY_INIT_LOCAL_FILE  the migration also "downloads" reference data onto its own
//                            container's disk, which no replica ever sees (ephemeral)
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeDatabase, readConfig } from './config.mjs';
import { createPool, isUnavailable, migrate, waitForDatabase } from './db.mjs';
import { createLogger, errorFields } from './log.mjs';
import { switchedOn } from './naughty.mjs';
import { SESSION_TTL_HOURS } from './session.mjs';

/** The worker writes this after every sweep; the image's health check wants it fresh. */
export const HEARTBEAT_FILE = '/tmp/reference-worker.heartbeat';

/** `--role=<name>` among the arguments; the HTTP API when there is none. */
export function roleOf(argv) {
  const arg = argv.find((a) => a.startsWith('--role='));
  return arg ? arg.slice('--role='.length) : 'api';
}

/** Runs a role other than the API; resolves never: each ends the process itself. */
export async function runRole(role, env) {
  const parsed = readConfig(env);
  const log = createLogger(parsed.ok ? parsed.config.logLevel : 'info');
  if (!parsed.ok) {
    for (const problem of parsed.errors) log.error(`invalid configuration: ${problem}`);
    process.exit(1);
  }
  if (role !== 'migrate' && role !== 'expire-sessions') {
    log.error('unknown role', { role, roles: ['migrate', 'expire-sessions'] });
    process.exit(2);
  }
  const { config } = parsed;
  log.info('starting', { role, ...describeDatabase(config.databaseUrl) });
  const pool = createPool(config.databaseUrl, log);
  const stopping = new AbortController();
  const stop = async (signal, code = 0) => {
    if (stopping.signal.aborted) return;
    stopping.abort();
    log.info('stopping', { role, signal });
    await pool.end().catch(() => undefined);
    process.exit(code);
  };
  const ignore = role === 'expire-sessions' && switchedOn(env, 'NAUGHTY_IGNORE_SIGTERM');
  process.on('SIGTERM', () =>
    ignore ? log.warn('ignoring SIGTERM (NAUGHTY_IGNORE_SIGTERM)') : void stop('SIGTERM'),
  );
  process.on('SIGINT', () => void stop('SIGINT'));

  if (!(await waitForDatabase(pool, log, { signal: stopping.signal })))
    return stop('no database', 1);
  if (role === 'migrate') return migrateOnce(pool, log, env, stop);
  return expireSessions(pool, log, env, stopping.signal);
}

/** The initialization task: the schema, then exit 0 (1 when it cannot be made). */
async function migrateOnce(pool, log, env, stop) {
  const start = Date.now();
  for (;;) {
    try {
      await migrate(pool, log);
      break;
    } catch (err) {
      if (!isUnavailable(err)) {
        log.error('schema migration failed', errorFields(err));
        return stop('failed', 1);
      }
      log.warn('database went away during migration; waiting again', errorFields(err));
      if (!(await waitForDatabase(pool, log))) return stop('no database', 1);
    }
  }
  if (switchedOn(env, 'NAUGHTY_INIT_LOCAL_FILE')) {
    // The fault: reference data kept on this container's own disk, gone when it exits.
    const dir = join(homedir(), 'reference-data');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'code-systems.json'),
      JSON.stringify({ gender: ['male', 'female', 'other', 'unknown'] }),
    );
    log.warn('reference data cached on the container disk (NAUGHTY_INIT_LOCAL_FILE)', { dir });
  }
  log.info('initialization done; nothing downloaded', { ms: Date.now() - start });
  return stop('done', 0);
}

/** The worker: every few seconds, deletes sessions older than their lifetime. */
async function expireSessions(pool, log, env, signal) {
  const everyMs = Number(env.SESSION_SWEEP_SECONDS ?? '') * 1000 || 5000;
  const sweep = async () => {
    try {
      const r = await pool.query(
        `DELETE FROM session WHERE issued < now() - interval '${SESSION_TTL_HOURS} hours'`,
      );
      if (r.rowCount > 0) log.info('expired sessions', { count: r.rowCount });
      writeFileSync(HEARTBEAT_FILE, String(Math.floor(Date.now() / 1000)));
    } catch (err) {
      // A missing table (the migration has not run) or a database away: the next sweep retries.
      log.warn('session sweep failed; retrying', errorFields(err));
    }
  };
  log.info('expiring sessions', { everySeconds: everyMs / 1000, ttlHours: SESSION_TTL_HOURS });
  await sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return new Promise(() => undefined);
}
