// SCIM 2.0 provisioning at /scim/v2 (Users, Groups, discovery endpoints),
// built on scimmy for resources, filters and PATCH. On only when SCIM_TOKEN is
// set; every request needs `Authorization: Bearer <SCIM_TOKEN>`. Resources live
// in PostgreSQL, so every replica sees what any replica wrote. Accepts Microsoft
// Entra's dialect too ("False" strings, member removal by value).
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import SCIMMY from 'scimmy';
import { readJson } from './http.mjs';

export const SCIM_BASE = '/scim/v2';
const SCIM_JSON = 'application/scim+json';
const TYPES = { Users: SCIMMY.Resources.User, Groups: SCIMMY.Resources.Group };
/** What makes a resource unique: userName for users, displayName for groups (case-insensitive). */
const UNIQUE = { Users: 'userName', Groups: 'displayName' };

let declared = false;
function declare() {
  if (declared) return;
  declared = true;
  SCIMMY.Config.set({
    patch: true,
    filter: { supported: true, maxResults: 200 },
    etag: true,
    sort: false,
    bulk: false,
    changePassword: false,
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authorization: Bearer <token>',
      },
    ],
  });
  for (const [endpoint, Resource] of Object.entries(TYPES)) {
    SCIMMY.Resources.declare(
      Resource.basepath(SCIM_BASE)
        .ingress((resource, instance, ctx) => ctx.ingress(endpoint, resource, instance))
        .egress((resource, ctx) => ctx.egress(endpoint, resource))
        .degress((resource, ctx) => ctx.degress(endpoint, resource)),
    );
  }
  // The discovery resources are scimmy's own: they only need to know where they live.
  for (const Discovery of [
    SCIMMY.Resources.Schema,
    SCIMMY.Resources.ResourceType,
    SCIMMY.Resources.ServiceProviderConfig,
  ])
    Discovery.basepath(SCIM_BASE);
}

/** Resources in PostgreSQL: one jsonb row per resource, in `table` (a fixed name, never input). */
export function databaseStore(pool, table = 'scim_resource') {
  let ready;
  const migrate = () =>
    (ready ??= pool.query(
      `CREATE TABLE IF NOT EXISTS ${table} (
         type text NOT NULL, id text NOT NULL, data jsonb NOT NULL, PRIMARY KEY (type, id))`,
    ));
  return {
    async all(type) {
      await migrate();
      const { rows } = await pool.query(
        `SELECT data FROM ${table} WHERE type = $1 ORDER BY data->'meta'->>'created', id`,
        [type],
      );
      return rows.map((r) => r.data);
    },
    async put(type, record) {
      await migrate();
      await pool.query(
        `INSERT INTO ${table} (type, id, data) VALUES ($1, $2, $3)
         ON CONFLICT (type, id) DO UPDATE SET data = $3`,
        [type, record.id, record],
      );
    },
    async remove(type, id) {
      await migrate();
      return (
        (await pool.query(`DELETE FROM ${table} WHERE type = $1 AND id = $2`, [type, id]))
          .rowCount > 0
      );
    },
  };
}

/** Resources in memory (tests, and the naughty variant that forgets on restart). */
export function memoryStore() {
  const data = { Users: new Map(), Groups: new Map() };
  return {
    all: async (type) => [...data[type].values()].map((r) => structuredClone(r)),
    put: async (type, record) => void data[type].set(record.id, structuredClone(record)),
    remove: async (type, id) => data[type].delete(id),
  };
}

/** Entra sends booleans as "True"/"False" and removes members by value: made standard here. */
function fromEntra(body) {
  const fix = (v) => (v === 'True' ? true : v === 'False' ? false : v);
  if (body && typeof body.active === 'string') body.active = fix(body.active);
  for (const op of body?.Operations ?? []) {
    if (op.value && typeof op.value === 'object' && 'active' in op.value)
      op.value.active = fix(op.value.active);
    if (op.path === 'active') op.value = fix(op.value);
  }
  if (Array.isArray(body?.Operations)) {
    body.Operations = body.Operations.flatMap((op) =>
      String(op.op).toLowerCase() === 'remove' && op.path === 'members' && Array.isArray(op.value)
        ? op.value.map((m) => ({ op: 'remove', path: `members[value eq "${m.value}"]` }))
        : [op],
    );
  }
  return body;
}

/**
 * @param {{ token: string, store: ReturnType<typeof memoryStore>,
 *           quirks?: { pageBeforeFilter?: boolean, allowDuplicates?: boolean, plainErrors?: boolean } }} options
 *   `quirks` make a deliberately broken service for the conformance suite's own tests.
 */
export function createScim({ token, store, quirks = {} }) {
  declare();
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  const authorised = (req) =>
    timingSafeEqual(
      createHash('sha256')
        .update(req.headers.authorization ?? '')
        .digest(),
      expected,
    );

  const ctx = {
    async egress(type, resource) {
      let all = await store.all(type);
      if (resource.id) {
        const one = all.find((r) => r.id === resource.id);
        if (!one) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
        return one;
      }
      if (quirks.pageBeforeFilter) {
        const { startIndex = 1, count = all.length } = resource.constraints ?? {};
        all = all.slice(startIndex - 1, startIndex - 1 + count);
        return resource.filter ? resource.filter.match(all) : all;
      }
      return resource.filter ? resource.filter.match(all) : all;
    },
    async ingress(type, resource, instance) {
      const all = await store.all(type);
      const data = JSON.parse(JSON.stringify(instance));
      const key = UNIQUE[type];
      const clash = all.find(
        (r) =>
          r.id !== resource.id && String(r[key]).toLowerCase() === String(data[key]).toLowerCase(),
      );
      if (clash && !quirks.allowDuplicates)
        throw new SCIMMY.Types.Error(409, 'uniqueness', `${key} "${data[key]}" is already taken`);
      const now = new Date().toISOString();
      const existing = resource.id ? all.find((r) => r.id === resource.id) : undefined;
      if (resource.id && !existing)
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      const version = existing
        ? Number(/\d+/.exec(existing.meta?.version ?? '0')?.[0] ?? 0) + 1
        : 1;
      const record = {
        ...data,
        id: existing?.id ?? randomUUID(),
        meta: {
          resourceType: type === 'Users' ? 'User' : 'Group',
          created: existing?.meta?.created ?? now,
          lastModified: now,
          version: `W/"${version}"`,
        },
      };
      await store.put(type, record);
      return record;
    },
    async degress(type, resource) {
      if (!(await store.remove(type, resource.id)))
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
    },
  };

  const reply = (status, body, headers = {}) => ({
    status,
    ...(body === undefined ? {} : { body: JSON.parse(JSON.stringify(body)) }),
    headers: { 'Content-Type': SCIM_JSON, ...headers },
  });
  const failure = (err) => {
    const status = Number(err.status ?? 500);
    if (quirks.plainErrors) return reply(status, { error: err.message });
    const body = new SCIMMY.Messages.ErrorResponse(
      err instanceof SCIMMY.Types.Error ? err : new SCIMMY.Types.Error(status, null, err.message),
    );
    return reply(status, body);
  };

  async function handle(req, url, rest = '') {
    try {
      if (!authorised(req))
        throw new SCIMMY.Types.Error(401, null, 'a valid bearer token is required');
      const [, endpoint, id, extra] = rest.split('/');
      const q = url.searchParams;
      const params = {
        ...(q.get('filter') ? { filter: q.get('filter') } : {}),
        ...(q.get('attributes') ? { attributes: q.get('attributes') } : {}),
        ...(q.get('excludedAttributes') ? { excludedAttributes: q.get('excludedAttributes') } : {}),
        ...(q.get('startIndex') ? { startIndex: Number(q.get('startIndex')) } : {}),
        ...(q.get('count') ? { count: Number(q.get('count')) } : {}),
      };
      if (extra !== undefined) throw new SCIMMY.Types.Error(404, null, 'no such endpoint');
      if (endpoint === 'ServiceProviderConfig' && req.method === 'GET')
        return reply(200, await new SCIMMY.Resources.ServiceProviderConfig().read());
      if (endpoint === 'Schemas' && req.method === 'GET')
        return reply(
          200,
          await new SCIMMY.Resources.Schema(id ? decodeURIComponent(id) : undefined).read(),
        );
      if (endpoint === 'ResourceTypes' && req.method === 'GET')
        return reply(200, await new SCIMMY.Resources.ResourceType(id).read());
      const Resource = TYPES[endpoint];
      if (!Resource) throw new SCIMMY.Types.Error(404, null, 'no such endpoint');
      const body = ['POST', 'PUT', 'PATCH'].includes(req.method)
        ? fromEntra(await readBody(req))
        : undefined;
      const one = (r, status = 200) =>
        req.headers['if-none-match'] && req.headers['if-none-match'] === r.meta?.version
          ? { status: 304, headers: { ETag: r.meta.version } }
          : reply(status, r, { ETag: r.meta?.version, Location: r.meta?.location });
      const checkIfMatch = async () => {
        const want = req.headers['if-match'];
        if (!want || !id) return;
        const current = await new Resource(id).read(ctx);
        if (want !== '*' && want !== current.meta?.version)
          throw new SCIMMY.Types.Error(
            412,
            null,
            'the resource changed: its ETag no longer matches If-Match',
          );
      };
      switch (req.method) {
        case 'GET':
          return id
            ? one(await new Resource(id, params).read(ctx))
            : reply(200, await new Resource(params).read(ctx));
        case 'POST':
          if (id)
            throw new SCIMMY.Types.Error(405, null, 'POST creates: send it to the collection');
          return one(await new Resource().write(body, ctx), 201);
        case 'PUT':
          if (!id) throw new SCIMMY.Types.Error(405, null, 'PUT needs a resource id');
          await checkIfMatch();
          return one(await new Resource(id).write(body, ctx));
        case 'PATCH': {
          if (!id) throw new SCIMMY.Types.Error(405, null, 'PATCH needs a resource id');
          await checkIfMatch();
          const patched = await new Resource(id).patch(body, ctx);
          return patched ? one(patched) : { status: 204 };
        }
        case 'DELETE':
          if (!id) throw new SCIMMY.Types.Error(405, null, 'DELETE needs a resource id');
          await new Resource(id).dispose(ctx);
          return { status: 204 };
        default:
          throw new SCIMMY.Types.Error(405, null, `${req.method} is not supported`);
      }
    } catch (err) {
      return failure(err);
    }
  }

  async function readBody(req) {
    try {
      return await readJson(req);
    } catch (err) {
      throw new SCIMMY.Types.Error(err.status ?? 400, 'invalidSyntax', err.message);
    }
  }

  return {
    routes: [
      {
        pattern: /^\/scim\/v2(\/.*)?$/,
        methods: Object.fromEntries(
          ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [m, handle]),
        ),
      },
    ],
    handle,
  };
}
