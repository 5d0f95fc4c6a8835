import { generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';
import type pg from 'pg';
import { SCHEMA } from './database.js';
import type { RotationStage } from './rotation-stages.js';

export { ROTATION_STAGES, type RotationStage } from './rotation-stages.js';

/** next: published, not yet signing · current: signs · previous: published so old tokens verify. */
export type KeyState = 'next' | 'current' | 'previous' | 'retired';

export interface StoredKey {
  kid: string;
  state: KeyState;
  jwk: JsonWebKey;
}

function newKey(): { kid: string; jwk: JsonWebKey } {
  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, jwk };
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // One writer at a time, across every IdP process of the sandbox.
    await client.query('SELECT pg_advisory_xact_lock(8443002)');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function insert(c: pg.PoolClient, state: KeyState): Promise<void> {
  const { kid, jwk } = newKey();
  await c.query(`INSERT INTO ${SCHEMA}.keys (kid, jwk, state) VALUES ($1, $2, $3)`, [
    kid,
    jwk,
    state,
  ]);
}

async function move(c: pg.PoolClient, from: KeyState, to: KeyState): Promise<number> {
  const r = await c.query(
    `UPDATE ${SCHEMA}.keys SET state = $2, changed_at = now() WHERE state = $1`,
    [from, to],
  );
  return r.rowCount ?? 0;
}

/** Creates the first signing key of the sandbox unless one exists. */
export async function ensureSigningKey(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    const { rowCount } = await c.query(`SELECT 1 FROM ${SCHEMA}.keys WHERE state = 'current'`);
    if (!rowCount) await insert(c, 'current');
  });
}

/** The published keys, the signing key first (oidc-provider signs with the first one). */
export async function publishedKeys(pool: pg.Pool): Promise<StoredKey[]> {
  const { rows } = await pool.query<StoredKey>(
    `SELECT kid, state, jwk FROM ${SCHEMA}.keys WHERE state <> 'retired'
     ORDER BY CASE state WHEN 'current' THEN 0 WHEN 'next' THEN 1 ELSE 2 END, created_at`,
  );
  return rows;
}

/**
 * One stage of a staged rotation. `publish` adds a next key (no-op when one is waiting);
 * `sign` makes it the signing key and keeps the old one published; `retire` unpublishes the old
 * one. Returns what changed, for the caller to report.
 */
export async function rotate(pool: pg.Pool, stage: RotationStage): Promise<string> {
  return inTransaction(pool, async (c) => {
    const count = async (state: KeyState) =>
      (await c.query(`SELECT 1 FROM ${SCHEMA}.keys WHERE state = $1`, [state])).rowCount ?? 0;
    switch (stage) {
      case 'publish':
        if ((await count('next')) > 0) return 'a next key was already published';
        await insert(c, 'next');
        return 'published a next key';
      case 'sign':
        if ((await count('next')) === 0)
          throw new RotationError('no next key: run the publish stage first');
        await move(c, 'previous', 'retired');
        await move(c, 'current', 'previous');
        await move(c, 'next', 'current');
        return 'signing with the next key; the old one stays published';
      case 'retire':
        return (await move(c, 'previous', 'retired')) > 0
          ? 'retired the old key'
          : 'no old key to retire';
    }
  });
}

/** A rotation stage asked for out of order. */
export class RotationError extends Error {
  override name = 'RotationError';
}
