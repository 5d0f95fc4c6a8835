import type { Adapter, AdapterPayload } from 'oidc-provider';
import type pg from 'pg';
import { SCHEMA } from './database.js';

/**
 * oidc-provider's storage (sessions, grants, codes, tokens, interactions) in PostgreSQL, so the
 * provider process keeps nothing: a restarted or replaced IdP continues every session and token.
 */
export function postgresAdapter(pool: pg.Pool): new (model: string) => Adapter {
  return class PostgresAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await pool.query(
        `INSERT INTO ${SCHEMA}.artifacts (model, id, payload, grant_id, user_code, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int > 0 THEN now() + make_interval(secs => $7::int) END)
         ON CONFLICT (model, id) DO UPDATE SET payload = $3, grant_id = $4, user_code = $5, uid = $6,
           expires_at = EXCLUDED.expires_at`,
        [
          this.model,
          id,
          payload,
          payload.grantId ?? null,
          payload.userCode ?? null,
          payload.uid ?? null,
          expiresIn ?? 0,
        ],
      );
    }

    private async one(where: string, value: string): Promise<AdapterPayload | undefined> {
      const { rows } = await pool.query<{ payload: AdapterPayload; consumed: number | null }>(
        `SELECT payload, extract(epoch FROM consumed_at)::int AS consumed FROM ${SCHEMA}.artifacts
         WHERE model = $1 AND ${where} = $2 AND (expires_at IS NULL OR expires_at > now())`,
        [this.model, value],
      );
      const row = rows[0];
      if (!row) return undefined;
      return row.consumed ? { ...row.payload, consumed: row.consumed } : row.payload;
    }

    find(id: string): Promise<AdapterPayload | undefined> {
      return this.one('id', id);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.one('user_code', userCode);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.one('uid', uid);
    }

    async consume(id: string): Promise<void> {
      await pool.query(
        `UPDATE ${SCHEMA}.artifacts SET consumed_at = now() WHERE model = $1 AND id = $2`,
        [this.model, id],
      );
    }

    async destroy(id: string): Promise<void> {
      await pool.query(`DELETE FROM ${SCHEMA}.artifacts WHERE model = $1 AND id = $2`, [
        this.model,
        id,
      ]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await pool.query(`DELETE FROM ${SCHEMA}.artifacts WHERE grant_id = $1`, [grantId]);
    }
  };
}
