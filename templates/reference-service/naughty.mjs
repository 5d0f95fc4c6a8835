// Naughty variants: each breaks exactly one Marketplace requirement when its
// environment variable is "1", so Rehearsal's verdicts can be shown to fail.
// Off by default; the default behaviour is the compliant one.
//   NAUGHTY_MEMORY_SESSIONS  sessions kept in this process's memory  (stateless)
//   NAUGHTY_LOCAL_DATA       patients kept on the container's disk   (ephemeral)
//   NAUGHTY_EARLY_ACK        201 sent before the write is committed  (incorruptible)
//   NAUGHTY_IGNORE_SIGTERM   SIGTERM ignored, the stop budget runs out (scalable)
//   NAUGHTY_WS_SWALLOW       every tenth WebSocket echo is never sent (WebSocket messages lost)
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EARLY_ACK_COMMIT_DELAY_MS = 1500;

/** A variant's variable is on when it is "1" or "true". */
export const switchedOn = (env, key) => env[key] === '1' || env[key] === 'true';

/** Which variants the environment switches on. */
export function readNaughty(env) {
  const on = (k) => switchedOn(env, k);
  return {
    memorySessions: on('NAUGHTY_MEMORY_SESSIONS'),
    localData: on('NAUGHTY_LOCAL_DATA'),
    earlyAck: on('NAUGHTY_EARLY_ACK'),
    ignoreSigterm: on('NAUGHTY_IGNORE_SIGTERM'),
    wsSwallow: on('NAUGHTY_WS_SWALLOW'),
  };
}

/** The variants on, for the start-up log line. */
export function naughtyNames(naughty) {
  return Object.entries(naughty)
    .filter(([, v]) => v)
    .map(([k]) => k);
}

/** Sessions in a Map: another replica has never heard of the token. */
export function memorySessions() {
  const tokens = new Map();
  return {
    async issue(subject) {
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, subject);
      return token;
    },
    async check(token) {
      return tokens.get(token);
    },
  };
}

/**
 * Patients in a JSON file under the container's temporary folder: each
 * replica sees only its own writes, and a replacement starts empty.
 */
export function localPatients() {
  const file = join(tmpdir(), 'patients.json');
  const rows = new Map(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : []);
  const save = () => writeFileSync(file, JSON.stringify([...rows]));
  const put = (id, resource, versionId) => {
    const r = { id, versionId, lastUpdated: new Date(), resource };
    rows.set(id, r);
    save();
    return r;
  };
  const names = (r) =>
    (Array.isArray(r.resource.name) ? r.resource.name : []).flatMap((n) => [
      n.family ?? '',
      ...(Array.isArray(n.given) ? n.given : []),
    ]);
  return {
    async create(_pool, id, resource) {
      return put(id, resource, 1);
    },
    async upsert(_pool, id, resource) {
      const old = rows.get(id);
      return { ...put(id, resource, (old?.versionId ?? 0) + 1), created: !old };
    },
    async read(_pool, id) {
      return rows.get(id);
    },
    async remove(_pool, id) {
      const had = rows.delete(id);
      save();
      return had;
    },
    async search(_pool, { name, count }) {
      const all = [...rows.values()].filter(
        (r) =>
          name === undefined ||
          names(r).some((n) => String(n).toLowerCase().startsWith(name.toLowerCase())),
      );
      return { total: all.length, matches: all.reverse().slice(0, count) };
    },
  };
}

/**
 * Acknowledges a create at once and commits it a moment later: a kill in
 * between loses a write the client was told is stored.
 */
export function earlyAckPatients(patients, log) {
  return {
    ...patients,
    async create(pool, id, resource) {
      setTimeout(() => {
        patients
          .create(pool, id ?? randomUUID(), resource)
          .catch((err) => log.warn('late commit failed', { error: err.name }));
      }, EARLY_ACK_COMMIT_DELAY_MS);
      return { id, versionId: 1, lastUpdated: new Date(), resource };
    },
  };
}
