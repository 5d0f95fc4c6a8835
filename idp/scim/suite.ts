import { randomBytes } from 'node:crypto';
import { ScimClient, type Exchange, type ScimTarget } from './client.js';

export type { ScimTarget } from './client.js';

export interface CheckResult {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed (or was skipped); empty when it passed. */
  detail: string;
  evidence: Exchange[];
}

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A failed expectation inside a check. */
class Unmet extends Error {}

function expect(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Unmet(message);
}

type Body = Record<string, unknown>;
const list = (b: Body) => (Array.isArray(b['Resources']) ? (b['Resources'] as Body[]) : []);
const schemas = (b: Body) => (Array.isArray(b['schemas']) ? (b['schemas'] as string[]) : []);
const memberIds = (b: Body) =>
  (Array.isArray(b['members']) ? (b['members'] as Body[]) : []).map((m) => String(m['value']));

/**
 * The SCIM 2.0 conformance suite: users and groups created, read, replaced, patched (add,
 * replace, remove, membership) and deleted; `userName eq` filters with and without a match;
 * paging after filtering; 409 on a duplicate userName; 404 with the SCIM Error schema; the
 * discovery endpoints; Bulk when advertised. Every result carries its HTTP exchanges.
 */
export async function runScimSuite(target: ScimTarget): Promise<CheckResult[]> {
  const entra = target.dialect === 'entra';
  const op = (name: 'add' | 'replace' | 'remove') =>
    entra ? name[0]!.toUpperCase() + name.slice(1) : name;
  const run = `rh${randomBytes(4).toString('hex')}`;
  const results: CheckResult[] = [];
  const created: { users: string[]; groups: string[] } = { users: [], groups: [] };
  const state: { user?: Body; other?: Body; group?: Body; spc?: Body } = {};

  const check = async (
    id: string,
    title: string,
    body: (c: ScimClient) => Promise<void | string>,
  ) => {
    const c = new ScimClient(target);
    try {
      const skipped = await body(c);
      results.push({
        id,
        title,
        status: skipped ? 'skip' : 'pass',
        detail: skipped ?? '',
        evidence: c.evidence,
      });
    } catch (err) {
      const detail =
        err instanceof Unmet ? err.message : `the check could not run: ${(err as Error).message}`;
      results.push({ id, title, status: 'fail', detail, evidence: c.evidence });
    }
  };
  const newUser = (name: string, extra: Body = {}) => ({
    schemas: [USER_SCHEMA],
    userName: `${name}@example.test`,
    name: { givenName: name, familyName: 'Rehearsal' },
    emails: [{ value: `${name}@example.test`, type: 'work', primary: true }],
    active: entra ? 'True' : true,
    ...extra,
  });
  const createUser = async (c: ScimClient, name: string) => {
    const r = await c.call('POST', '/Users', newUser(name));
    expect(r.status === 201, `POST /Users answered ${r.status}, not 201`);
    expect(typeof r.body['id'] === 'string', 'the created user has no id');
    created.users.push(String(r.body['id']));
    return r.body;
  };

  await check(
    'discovery',
    'ServiceProviderConfig, Schemas and ResourceTypes describe the service',
    async (c) => {
      const spc = await c.call('GET', '/ServiceProviderConfig');
      expect(spc.status === 200, `GET /ServiceProviderConfig answered ${spc.status}`);
      state.spc = spc.body;
      const sch = await c.call('GET', '/Schemas');
      expect(sch.status === 200, `GET /Schemas answered ${sch.status}`);
      expect(
        list(sch.body).some((s) => s['id'] === USER_SCHEMA),
        'GET /Schemas does not list the User schema',
      );
      const rt = await c.call('GET', '/ResourceTypes');
      expect(rt.status === 200, `GET /ResourceTypes answered ${rt.status}`);
      const names = list(rt.body).map((r) => r['name']);
      expect(
        names.includes('User') && names.includes('Group'),
        `GET /ResourceTypes lists ${names.join(', ') || 'nothing'}, not User and Group`,
      );
    },
  );

  await check('user-create-read', 'a user is created (201) and read back', async (c) => {
    state.user = await createUser(c, `${run}-ada`);
    const r = await c.call('GET', `/Users/${String(state.user['id'])}`);
    expect(r.status === 200, `GET /Users/{id} answered ${r.status}`);
    expect(
      r.body['userName'] === `${run}-ada@example.test`,
      'the user read back has another userName',
    );
  });

  await check('user-replace', 'PUT replaces a user', async (c) => {
    expect(!!state.user, 'no user was created');
    const id = String(state.user['id']);
    const r = await c.call(
      'PUT',
      `/Users/${id}`,
      newUser(`${run}-ada`, { name: { givenName: 'Adah', familyName: 'Rehearsal' } }),
    );
    expect(r.status === 200, `PUT /Users/{id} answered ${r.status}`);
    const got = await c.call('GET', `/Users/${id}`);
    expect(
      (got.body['name'] as Body | undefined)?.['givenName'] === 'Adah',
      'the replaced name did not stick',
    );
  });

  await check('user-patch', 'PATCH adds, replaces and removes attributes', async (c) => {
    expect(!!state.user, 'no user was created');
    const id = String(state.user['id']);
    const patch = (ops: Body[]) =>
      c.call('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: ops });
    let r = await patch([{ op: op('add'), path: 'title', value: 'Clinician' }]);
    expect(r.status === 200 || r.status === 204, `PATCH add answered ${r.status}`);
    r = await patch([{ op: op('replace'), path: 'active', value: entra ? 'False' : false }]);
    expect(r.status === 200 || r.status === 204, `PATCH replace answered ${r.status}`);
    let got = await c.call('GET', `/Users/${id}`);
    expect(got.body['title'] === 'Clinician', 'PATCH add did not set title');
    expect(got.body['active'] === false, 'PATCH replace did not set active to false');
    r = await patch([{ op: op('remove'), path: 'title' }]);
    expect(r.status === 200 || r.status === 204, `PATCH remove answered ${r.status}`);
    got = await c.call('GET', `/Users/${id}`);
    expect(got.body['title'] === undefined, 'PATCH remove left title in place');
  });

  await check(
    'user-filter',
    '`userName eq` finds exactly the user, and nothing when nobody matches',
    async (c) => {
      expect(!!state.user, 'no user was created');
      const q = (v: string) => `/Users?filter=${encodeURIComponent(`userName eq "${v}"`)}`;
      const hit = await c.call('GET', q(String(state.user['userName'])));
      expect(
        hit.status === 200 && schemas(hit.body).includes(LIST_SCHEMA),
        `the filter answered ${hit.status} without a ListResponse`,
      );
      expect(
        hit.body['totalResults'] === 1 && list(hit.body).length === 1,
        `the filter found ${String(hit.body['totalResults'])} users, not 1`,
      );
      const miss = await c.call('GET', q(`${run}-nobody@example.test`));
      expect(miss.status === 200, `a filter without a match answered ${miss.status}, not 200`);
      expect(
        miss.body['totalResults'] === 0,
        `a filter without a match reported totalResults ${String(miss.body['totalResults'])}, not 0`,
      );
    },
  );

  await check(
    'paging',
    'startIndex and count page through the filtered users (filter first, then page)',
    async (c) => {
      for (let i = 0; i < 5; i++) await createUser(c, `${run}-page${i}`);
      const filter = encodeURIComponent(`userName sw "${run}-page"`);
      const r = await c.call('GET', `/Users?filter=${filter}&startIndex=2&count=2`);
      expect(r.status === 200, `the paged filter answered ${r.status}`);
      const items = list(r.body);
      expect(
        r.body['totalResults'] === 5,
        `totalResults is ${String(r.body['totalResults'])}, not the 5 users that match the filter: the service pages before it filters`,
      );
      expect(
        items.length === 2 && r.body['startIndex'] === 2,
        `the page has ${items.length} users from index ${String(r.body['startIndex'])}, not 2 from index 2`,
      );
      expect(
        items.every((u) => String(u['userName']).startsWith(`${run}-page`)),
        'the page holds users the filter excludes',
      );
    },
  );

  await check('duplicate', 'a duplicate userName is refused with 409 (uniqueness)', async (c) => {
    expect(!!state.user, 'no user was created');
    const r = await c.call('POST', '/Users', newUser(`${run}-ada`));
    if (r.status === 201 && typeof r.body['id'] === 'string') created.users.push(r.body['id']);
    expect(r.status === 409, `a duplicate userName answered ${r.status}, not 409`);
  });

  await check('not-found', 'an unknown id answers 404 with the SCIM Error schema', async (c) => {
    const r = await c.call('GET', `/Users/${run}-missing`);
    expect(r.status === 404, `an unknown id answered ${r.status}, not 404`);
    expect(schemas(r.body).includes(ERROR_SCHEMA), `the 404 body lacks the schema ${ERROR_SCHEMA}`);
    expect(
      r.body['status'] === '404',
      `the Error body's status is ${JSON.stringify(r.body['status'])}, not "404"`,
    );
  });

  await check(
    'group-membership',
    'a group is created, replaced, and gains and loses members by PATCH',
    async (c) => {
      expect(!!state.user, 'no user was created');
      state.other = await createUser(c, `${run}-ben`);
      const [a, b] = [String(state.user['id']), String(state.other['id'])];
      const g = await c.call('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: `${run}-clinicians`,
        members: [{ value: a }],
      });
      expect(g.status === 201, `POST /Groups answered ${g.status}`);
      const id = String(g.body['id']);
      created.groups.push(id);
      const put = await c.call('PUT', `/Groups/${id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: `${run}-clinicians-2`,
        members: [{ value: a }],
      });
      expect(
        put.status === 200 && put.body['displayName'] === `${run}-clinicians-2`,
        `PUT /Groups/{id} answered ${put.status}`,
      );
      const patch = (ops: Body[]) =>
        c.call('PATCH', `/Groups/${id}`, { schemas: [PATCH_SCHEMA], Operations: ops });
      const add = await patch([{ op: op('add'), path: 'members', value: [{ value: b }] }]);
      expect(add.status === 200 || add.status === 204, `PATCH add member answered ${add.status}`);
      let got = await c.call('GET', `/Groups/${id}`);
      expect(
        memberIds(got.body).sort().join() === [a, b].sort().join(),
        'PATCH add did not add the member',
      );
      const remove = entra
        ? await patch([{ op: 'Remove', path: 'members', value: [{ value: a }] }])
        : await patch([{ op: 'remove', path: `members[value eq "${a}"]` }]);
      expect(
        remove.status === 200 || remove.status === 204,
        `PATCH remove member answered ${remove.status}`,
      );
      got = await c.call('GET', `/Groups/${id}`);
      expect(memberIds(got.body).join() === b, 'PATCH remove did not remove exactly that member');
    },
  );

  await check('etag', 'ETags: a version per resource that changes when it changes', async (c) => {
    const supported = (state.spc?.['etag'] as Body | undefined)?.['supported'] === true;
    if (!supported) return 'the service does not advertise ETag support';
    expect(!!state.user, 'no user was created');
    const id = String(state.user['id']);
    const first = await c.call('GET', `/Users/${id}`);
    expect(!!first.etag, 'GET /Users/{id} has no ETag header');
    const same = await c.call('GET', `/Users/${id}`, undefined, { 'if-none-match': first.etag });
    expect(
      same.status === 304,
      `If-None-Match with the current ETag answered ${same.status}, not 304`,
    );
    await c.call('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: op('replace'), path: 'displayName', value: 'Ada' }],
    });
    const after = await c.call('GET', `/Users/${id}`);
    expect(after.etag !== first.etag, 'the ETag did not change with the resource');
  });

  await check('bulk', 'Bulk, when the service advertises it', async (c) => {
    const bulk = state.spc?.['bulk'] as Body | undefined;
    if (bulk?.['supported'] !== true) return 'the service does not advertise Bulk';
    const r = await c.call('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'one', data: newUser(`${run}-bulk`) }],
    });
    expect(r.status === 200, `POST /Bulk answered ${r.status}`);
    const ops = Array.isArray(r.body['Operations']) ? (r.body['Operations'] as Body[]) : [];
    const location = String(ops[0]?.['location'] ?? '');
    if (location) created.users.push(location.split('/').pop()!);
    expect(String(ops[0]?.['status']).startsWith('201'), 'the bulk create did not answer 201');
  });

  await check('delete', 'DELETE removes users and groups (204, then 404)', async (c) => {
    for (const [kind, ids] of [
      ['Groups', created.groups],
      ['Users', created.users],
    ] as const) {
      for (const id of ids.splice(0)) {
        const r = await c.call('DELETE', `/${kind}/${id}`);
        expect(r.status === 204, `DELETE /${kind}/{id} answered ${r.status}, not 204`);
        const gone = await c.call('GET', `/${kind}/${id}`);
        expect(gone.status === 404, `a deleted resource still answers ${gone.status}`);
      }
    }
  });
  return results;
}
