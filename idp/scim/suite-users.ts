import type { ScimCheck } from './suite-kit.js';
import {
  ERROR_SCHEMA,
  expect,
  list,
  LIST_SCHEMA,
  PATCH_SCHEMA,
  schemas,
  USER_SCHEMA,
  type Body,
} from './suite-kit.js';

/** Discovery, then a user's life: create, read, replace, patch, filter, page, refuse twins, 404. */
export const USER_CHECKS: ScimCheck[] = [
  {
    id: 'discovery',
    title: 'ServiceProviderConfig, Schemas and ResourceTypes describe the service',
    async run(x, c) {
      const { state } = x;
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
  },

  {
    id: 'user-create-read',
    title: 'a user is created (201) and read back',
    async run(x, c) {
      const { state, tag, createUser } = x;
      state.user = await createUser(c, `${tag}-ada`);
      const r = await c.call('GET', `/Users/${String(state.user['id'])}`);
      expect(r.status === 200, `GET /Users/{id} answered ${r.status}`);
      expect(
        r.body['userName'] === `${tag}-ada@example.test`,
        'the user read back has another userName',
      );
    },
  },

  {
    id: 'user-replace',
    title: 'PUT replaces a user',
    async run(x, c) {
      const { state, tag, newUser } = x;
      expect(!!state.user, 'no user was created');
      const id = String(state.user['id']);
      const r = await c.call(
        'PUT',
        `/Users/${id}`,
        newUser(`${tag}-ada`, { name: { givenName: 'Adah', familyName: 'Rehearsal' } }),
      );
      expect(r.status === 200, `PUT /Users/{id} answered ${r.status}`);
      const got = await c.call('GET', `/Users/${id}`);
      expect(
        (got.body['name'] as Body | undefined)?.['givenName'] === 'Adah',
        'the replaced name did not stick',
      );
    },
  },

  {
    id: 'user-patch',
    title: 'PATCH adds, replaces and removes attributes',
    async run(x, c) {
      const { state, op, entra } = x;
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
    },
  },

  {
    id: 'user-filter',
    title: '`userName eq` finds exactly the user, and nothing when nobody matches',
    async run(x, c) {
      const { state, tag } = x;
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
      const miss = await c.call('GET', q(`${tag}-nobody@example.test`));
      expect(miss.status === 200, `a filter without a match answered ${miss.status}, not 200`);
      expect(
        miss.body['totalResults'] === 0,
        `a filter without a match reported totalResults ${String(miss.body['totalResults'])}, not 0`,
      );
    },
  },

  {
    id: 'paging',
    title: 'startIndex and count page through the filtered users (filter first, then page)',
    async run(x, c) {
      const { tag, createUser } = x;
      for (let i = 0; i < 5; i++) await createUser(c, `${tag}-page${i}`);
      const filter = encodeURIComponent(`userName sw "${tag}-page"`);
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
        items.every((u) => String(u['userName']).startsWith(`${tag}-page`)),
        'the page holds users the filter excludes',
      );
    },
  },

  {
    id: 'duplicate',
    title: 'a duplicate userName is refused with 409 (uniqueness)',
    async run(x, c) {
      const { state, tag, created, newUser } = x;
      expect(!!state.user, 'no user was created');
      const r = await c.call('POST', '/Users', newUser(`${tag}-ada`));
      if (r.status === 201 && typeof r.body['id'] === 'string') created.users.push(r.body['id']);
      expect(r.status === 409, `a duplicate userName answered ${r.status}, not 409`);
    },
  },

  {
    id: 'not-found',
    title: 'an unknown id answers 404 with the SCIM Error schema',
    async run(x, c) {
      const { tag } = x;
      const r = await c.call('GET', `/Users/${tag}-missing`);
      expect(r.status === 404, `an unknown id answered ${r.status}, not 404`);
      expect(
        schemas(r.body).includes(ERROR_SCHEMA),
        `the 404 body lacks the schema ${ERROR_SCHEMA}`,
      );
      expect(
        r.body['status'] === '404',
        `the Error body's status is ${JSON.stringify(r.body['status'])}, not "404"`,
      );
    },
  },
];
