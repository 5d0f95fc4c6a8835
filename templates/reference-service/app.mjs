// The request handler: routing, the Patient interactions, and one log line per
// request. The handler holds no state between requests.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isUnavailable, patients as databasePatients, ping } from './db.mjs';
import {
  DEFAULT_COUNT,
  ID_PATTERN,
  MAX_COUNT,
  capabilityStatement,
  patientProblem,
  searchset,
  toResource,
  toStored,
  versionPath,
} from './fhir.mjs';
import { HttpError, readJson, send, sendOutcome } from './http.mjs';
import { errorFields } from './log.mjs';
import { bearerToken, databaseSessions } from './session.mjs';

const REPLICA = hostname();
const LOGGED_PATH_MAX = 200;

/**
 * @param {{ pool: import('pg').Pool, log: ReturnType<import('./log.mjs').createLogger>,
 *           startedAt: Date, isStopping: () => boolean,
 *           patients?: typeof databasePatients, sessions?: ReturnType<typeof databaseSessions> }} deps
 */
export function createHandler({ pool, log, startedAt, isStopping, ...deps }) {
  const metadata = capabilityStatement(startedAt);
  const patients = deps.patients ?? databasePatients;
  const sessions = deps.sessions ?? databaseSessions(pool);

  const routes = [
    // OpenID Connect login and /me, when the sandbox gave the service a client (oidc.mjs).
    ...(deps.oidc?.routes ?? []),
    // SCIM 2.0 provisioning at /scim/v2, when the sandbox gave the service a token (scim.mjs).
    ...(deps.scim?.routes ?? []),
    { pattern: /^\/health$/, methods: { GET: health } },
    { pattern: /^\/metadata$/, methods: { GET: () => ({ status: 200, body: metadata }) } },
    { pattern: /^\/Patient$/, methods: { GET: search, POST: create } },
    { pattern: /^\/Patient\/([^/]+)$/, methods: { GET: read, PUT: update, DELETE: remove } },
    { pattern: /^\/Patient\/([^/]+)\/_history\/([^/]+)$/, methods: { GET: vread } },
    { pattern: /^\/session$/, methods: { GET: whoami, POST: login } },
  ];

  // A session for an anonymous subject; the token is honoured by every replica.
  async function login() {
    const subject = `anonymous-${randomUUID()}`;
    const token = await sessions.issue(subject);
    return { status: 201, body: { token, subject, issuedBy: REPLICA } };
  }

  async function whoami(req) {
    const token = bearerToken(req);
    const subject = token === undefined ? undefined : await sessions.check(token);
    if (subject === undefined) {
      throw new HttpError(401, 'login', 'no valid session: POST /session for a token', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    return { status: 200, body: { subject, replica: REPLICA } };
  }

  async function health() {
    if (isStopping()) return { status: 503, body: { status: 'stopping' } };
    return (await ping(pool))
      ? { status: 200, body: { status: 'ok' } }
      : { status: 503, body: { status: 'unavailable' } };
  }

  async function search(_req, url) {
    const name = url.searchParams.get('name') ?? undefined;
    const countText = url.searchParams.get('_count');
    let count = DEFAULT_COUNT;
    if (countText !== null) {
      if (!/^\d+$/.test(countText))
        throw new HttpError(400, 'invalid', '_count must be a whole number');
      count = Math.min(Number(countText), MAX_COUNT);
    }
    if (name !== undefined && name.trim() === '')
      throw new HttpError(400, 'invalid', 'name must not be empty');
    const found = await patients.search(pool, { name, count });
    return { status: 200, body: searchset({ ...found, name, count }) };
  }

  async function create(req) {
    const body = await readJson(req);
    const problem = patientProblem(body);
    if (problem) throw new HttpError(400, 'invalid', problem);
    // A client id in a create is ignored, as FHIR says: the server assigns one.
    return written(await patients.create(pool, randomUUID(), toStored(body)), 201);
  }

  async function update(req, _url, id) {
    checkId(id);
    const body = await readJson(req);
    const problem = patientProblem(body);
    if (problem) throw new HttpError(400, 'invalid', problem);
    if (body.id !== undefined && body.id !== id) {
      throw new HttpError(400, 'invalid', 'the id in the body differs from the id in the URL');
    }
    const saved = await patients.upsert(pool, id, toStored(body));
    return written(saved, saved.created ? 201 : 200);
  }

  async function read(_req, _url, id) {
    checkId(id);
    const found = await patients.read(pool, id);
    if (!found) throw notFound(id);
    return { status: 200, body: toResource(found), headers: versionHeaders(found) };
  }

  // Only the current version is kept; older ones answer 404.
  async function vread(_req, _url, id, versionId) {
    checkId(id);
    const found = await patients.read(pool, id);
    if (!found) throw notFound(id);
    if (String(found.versionId) !== versionId) {
      throw new HttpError(
        404,
        'not-found',
        `version ${versionId} of Patient/${id} is not available`,
      );
    }
    return { status: 200, body: toResource(found), headers: versionHeaders(found) };
  }

  async function remove(_req, _url, id) {
    checkId(id);
    if (!(await patients.remove(pool, id))) throw notFound(id);
    return { status: 204 };
  }

  function written(saved, status) {
    const headers = { ...versionHeaders(saved), Location: versionPath(saved.id, saved.versionId) };
    return { status, body: toResource(saved), headers };
  }

  async function route(req, url) {
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    for (const { pattern, methods } of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const fn = methods[method];
      if (!fn) {
        const allow = Object.keys(methods).join(', ');
        throw new HttpError(405, 'not-supported', `${req.method} is not supported here`, {
          Allow: allow,
        });
      }
      return fn(req, url, ...match.slice(1).map(decodeURIComponent));
    }
    throw new HttpError(404, 'not-found', 'no such endpoint');
  }

  return async function handle(req, res) {
    const start = performance.now();
    const url = splitTarget(req.url ?? '/');
    res.setHeader('X-Replica', REPLICA);
    res.on('close', () => {
      log.info('request', {
        method: req.method,
        path: url.pathname.slice(0, LOGGED_PATH_MAX),
        status: res.statusCode,
        ms: Math.round((performance.now() - start) * 10) / 10,
      });
    });
    try {
      const result = await route(req, url);
      // While stopping, every response closes its connection, so keep-alive
      // sockets drain instead of holding the shutdown open.
      if (isStopping()) res.setHeader('Connection', 'close');
      send(res, result.status, result.body, result.headers);
    } catch (err) {
      if (res.headersSent) return;
      if (isStopping()) res.setHeader('Connection', 'close');
      if (err instanceof HttpError) {
        sendOutcome(res, err.status, err.issueCode, err.message, err.headers);
      } else if (err instanceof URIError) {
        sendOutcome(res, 400, 'invalid', 'the path is not valid percent-encoding');
      } else if (isUnavailable(err)) {
        log.warn('database unavailable', { code: err.code ?? err.name });
        sendOutcome(res, 503, 'transient', 'the database is unavailable; retry shortly', {
          'Retry-After': '1',
        });
      } else {
        log.error('request failed', errorFields(err));
        sendOutcome(res, 500, 'exception', 'internal error');
      }
    }
  };
}

/**
 * Path and query of a request target. Parsed by hand rather than with
 * `new URL()`, which needs a base and reads "//x/y" as host x: this service
 * never knows, nor needs, its own host.
 */
function splitTarget(target) {
  const q = target.indexOf('?');
  return {
    pathname: q === -1 ? target : target.slice(0, q),
    searchParams: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)),
  };
}

function checkId(id) {
  if (!ID_PATTERN.test(id)) {
    throw new HttpError(
      400,
      'invalid',
      'an id is 1 to 64 characters from A-Z, a-z, 0-9, "-" and "."',
    );
  }
}

function notFound(id) {
  return new HttpError(404, 'not-found', `Patient/${id} does not exist`);
}

function versionHeaders({ versionId, lastUpdated }) {
  return { ETag: `W/"${versionId}"`, 'Last-Modified': new Date(lastUpdated).toUTCString() };
}
