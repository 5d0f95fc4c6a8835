// PostgreSQL access: the pool, the start-up wait, the schema migration and the
// Patient table's queries. All state lives in the database; a replica keeps
// nothing between requests.
import pg from 'pg';
import { SESSION_SCHEMA } from './session.mjs';

/** Serialises migrations across replicas that start together. */
const MIGRATION_LOCK = "hashtext('rehearsal.reference-service.schema')";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS patient (
     id           text        PRIMARY KEY,
     version_id   integer     NOT NULL,
     last_updated timestamptz NOT NULL,
     resource     jsonb       NOT NULL
   )`,
  'CREATE INDEX IF NOT EXISTS patient_last_updated ON patient (last_updated DESC, id)',
  ...SESSION_SCHEMA,
];

/** Error codes that mean "the database is unreachable or restarting", not "the query is wrong". */
const UNAVAILABLE = new Set([
  // The server cannot be reached.
  ...['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'],
  ...['ENOTFOUND', 'EAI_AGAIN'],
  // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
  ...['57P01', '57P02', '57P03', '53300'],
  // Connection exceptions (class 08).
  ...['08000', '08001', '08003', '08004', '08006'],
]);

/** True when an error means the database is (momentarily) unavailable: answer 503, not 500. */
export function isUnavailable(err) {
  if (!(err instanceof Error)) return false;
  if (typeof err.code === 'string' && UNAVAILABLE.has(err.code)) return true;
  // node-postgres reports these without a code.
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(
    err.message,
  );
}

export function createPool(databaseUrl, log) {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 15_000,
    application_name: 'rehearsal-reference-service',
  });
  // An idle client whose server went away emits here; without a listener the
  // process would crash. The pool drops that client and makes a new one later.
  pool.on('error', (err) => log.warn('database connection lost', errorCode(err)));
  return pool;
}

function errorCode(err) {
  return {
    error: err?.name ?? 'Error',
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
  };
}

/**
 * Waits until the database answers, retrying with capped exponential backoff
 * (the database may start after this service). Resolves false when the
 * deadline passes or `signal` aborts.
 */
export async function waitForDatabase(pool, log, { deadlineMs = 60_000, signal } = {}) {
  const start = Date.now();
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return false;
    try {
      await pool.query('SELECT 1');
      log.info('database reachable', { attempt, ms: Date.now() - start });
      return true;
    } catch (err) {
      const left = deadlineMs - (Date.now() - start);
      if (left <= 0) {
        log.error('database unreachable; giving up', {
          attempt,
          ms: Date.now() - start,
          ...errorCode(err),
        });
        return false;
      }
      const wait = Math.min(delay, left);
      (attempt === 1 ? log.info : log.debug)('database not reachable yet; retrying', {
        attempt,
        retryInMs: wait,
        ...errorCode(err),
      });
      await sleep(wait, signal);
      delay = Math.min(delay * 2, 4000);
    }
  }
}

/** How long a replica waits for another's schema migration before it gives up. */
const MIGRATION_LOCK_WAIT_MS = 120_000;

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Creates the schema if needed. The advisory lock makes N replicas starting
 * at once take turns: concurrent CREATE TABLE IF NOT EXISTS can otherwise
 * fail with a duplicate-key error on the catalogue.
 */
export async function migrate(pool, log) {
  const client = await pool.connect();
  const start = Date.now();
  try {
    // Taken by polling, not by waiting inside one statement: with many replicas
    // starting at once, a wait for the lock would outlast statement_timeout.
    while (
      !(await client.query(`SELECT pg_try_advisory_lock(${MIGRATION_LOCK}) AS ok`)).rows[0].ok
    ) {
      if (Date.now() - start > MIGRATION_LOCK_WAIT_MS)
        throw new Error(`the schema lock was not free within ${MIGRATION_LOCK_WAIT_MS / 1000} s`);
      await sleep(100 + Math.random() * 200);
    }
    try {
      for (const statement of SCHEMA) await client.query(statement);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    client.release();
  }
  log.info('schema ready', { ms: Date.now() - start });
}

/** True when `SELECT 1` answers within `timeoutMs`. */
export async function ping(pool, timeoutMs = 2000) {
  let timer;
  try {
    return await Promise.race([
      pool.query('SELECT 1').then(() => true),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const row = (r) => ({
  id: r.id,
  versionId: r.version_id,
  lastUpdated: r.last_updated,
  resource: r.resource,
});

/** Patient rows: `resource` is the body as stored, without id and meta.versionId/lastUpdated. */
export const patients = {
  async create(pool, id, resource) {
    const { rows } = await pool.query(
      `INSERT INTO patient (id, version_id, last_updated, resource)
       VALUES ($1, 1, now(), $2) RETURNING *`,
      [id, resource],
    );
    return row(rows[0]);
  },

  /** Create-or-update; `created` says which happened. */
  async upsert(pool, id, resource) {
    const { rows } = await pool.query(
      `INSERT INTO patient AS p (id, version_id, last_updated, resource)
       VALUES ($1, 1, now(), $2)
       ON CONFLICT (id) DO UPDATE
         SET version_id = p.version_id + 1, last_updated = now(), resource = EXCLUDED.resource
       RETURNING *, (xmax = 0) AS created`,
      [id, resource],
    );
    return { ...row(rows[0]), created: rows[0].created };
  },

  async read(pool, id) {
    const { rows } = await pool.query('SELECT * FROM patient WHERE id = $1', [id]);
    return rows[0] ? row(rows[0]) : undefined;
  },

  async remove(pool, id) {
    const { rowCount } = await pool.query('DELETE FROM patient WHERE id = $1', [id]);
    return rowCount > 0;
  },

  /**
   * Patients whose family or any given name starts with `name`
   * (case-insensitive), newest first; `total` counts every match.
   */
  async search(pool, { name, count }) {
    const where =
      name === undefined
        ? 'TRUE'
        : `EXISTS (
           SELECT 1 FROM jsonb_array_elements(
             CASE jsonb_typeof(resource->'name') WHEN 'array' THEN resource->'name' ELSE '[]'::jsonb END) n
           WHERE starts_with(lower(n->>'family'), lower($1))
              OR EXISTS (
                SELECT 1 FROM jsonb_array_elements_text(
                  CASE jsonb_typeof(n->'given') WHEN 'array' THEN n->'given' ELSE '[]'::jsonb END) g
                WHERE starts_with(lower(g), lower($1))))`;
    const params = name === undefined ? [] : [name];
    const total = await pool.query(
      `SELECT count(*)::int AS total FROM patient WHERE ${where}`,
      params,
    );
    const page =
      count === 0
        ? { rows: [] }
        : await pool.query(
            `SELECT * FROM patient WHERE ${where} ORDER BY last_updated DESC, id LIMIT $${params.length + 1}`,
            [...params, count],
          );
    return { total: total.rows[0].total, matches: page.rows.map(row) };
  },
};
