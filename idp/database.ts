import pg from 'pg';

/** Everything the provider keeps lives in this schema of the sandbox's PostgreSQL database. */
export const SCHEMA = 'rehearsal_idp';

const MIGRATION = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.artifacts (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS artifacts_grant ON ${SCHEMA}.artifacts (grant_id);
CREATE INDEX IF NOT EXISTS artifacts_uid ON ${SCHEMA}.artifacts (uid);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.keys (
  kid text PRIMARY KEY,
  jwk jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('next', 'current', 'previous', 'retired')),
  created_at timestamptz NOT NULL DEFAULT now(),
  changed_at timestamptz NOT NULL DEFAULT now()
);`;

/** A connection pool to the sandbox's database. */
export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 3000 });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Waits for the database (it may still be starting) and creates the schema. Concurrent starts are
 * serialised by an advisory lock, since CREATE … IF NOT EXISTS can still race in PostgreSQL.
 */
export async function migrate(
  pool: pg.Pool,
  signal: AbortSignal,
  onWait: (e: Error) => void,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(8443001)');
        await client.query(MIGRATION);
        await client.query('COMMIT');
        return;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    } catch (err) {
      if (signal.aborted || attempt >= 60) throw err;
      onWait(err as Error);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
