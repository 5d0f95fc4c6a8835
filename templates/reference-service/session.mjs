// Sessions: `POST /session` issues an opaque bearer token, `GET /session`
// answers who holds it. Tokens live in the database, so every replica honours
// a token any other replica issued (the Marketplace's "Dynamically Scalable":
// no sticky sessions). An OpenID Connect access token can later take the same
// header; the check stays "any replica accepts it".
import { randomBytes } from 'node:crypto';

export const SESSION_TTL_HOURS = 24;

export const SESSION_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS session (
     token   text        PRIMARY KEY,
     subject text        NOT NULL,
     issued  timestamptz NOT NULL DEFAULT now()
   )`,
];

/** The token in `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req) {
  const m = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** Sessions kept in PostgreSQL: any replica can check a token any replica issued. */
export function databaseSessions(pool) {
  return {
    async issue(subject) {
      const token = randomBytes(24).toString('base64url');
      await pool.query('INSERT INTO session (token, subject) VALUES ($1, $2)', [token, subject]);
      return token;
    },
    async check(token) {
      const { rows } = await pool.query(
        `SELECT subject FROM session WHERE token = $1
           AND issued > now() - interval '${SESSION_TTL_HOURS} hours'`,
        [token],
      );
      return rows[0]?.subject;
    },
  };
}
