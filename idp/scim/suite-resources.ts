import type { ScimCheck } from './suite-kit.js';
import { expect, GROUP_SCHEMA, memberIds, PATCH_SCHEMA, type Body } from './suite-kit.js';

/** Groups and their members, ETags and Bulk when advertised, and the deletion of it all. */
export const RESOURCE_CHECKS: ScimCheck[] = [
  {
    id: 'group-membership',
    title: 'a group is created, replaced, and gains and loses members by PATCH',
    async run(x, c) {
      const { state, tag, created, op, entra, createUser } = x;
      expect(!!state.user, 'no user was created');
      state.other = await createUser(c, `${tag}-ben`);
      const [a, b] = [String(state.user['id']), String(state.other['id'])];
      const g = await c.call('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: `${tag}-clinicians`,
        members: [{ value: a }],
      });
      expect(g.status === 201, `POST /Groups answered ${g.status}`);
      const id = String(g.body['id']);
      created.groups.push(id);
      const put = await c.call('PUT', `/Groups/${id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: `${tag}-clinicians-2`,
        members: [{ value: a }],
      });
      expect(
        put.status === 200 && put.body['displayName'] === `${tag}-clinicians-2`,
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
  },

  {
    id: 'etag',
    title: 'ETags: a version per resource that changes when it changes',
    async run(x, c) {
      const { state, op } = x;
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
    },
  },

  {
    id: 'bulk',
    title: 'Bulk, when the service advertises it',
    async run(x, c) {
      const { state, tag, created, newUser } = x;
      const bulk = state.spc?.['bulk'] as Body | undefined;
      if (bulk?.['supported'] !== true) return 'the service does not advertise Bulk';
      const r = await c.call('POST', '/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'one', data: newUser(`${tag}-bulk`) },
        ],
      });
      expect(r.status === 200, `POST /Bulk answered ${r.status}`);
      const ops = Array.isArray(r.body['Operations']) ? (r.body['Operations'] as Body[]) : [];
      const location = String(ops[0]?.['location'] ?? '');
      if (location) created.users.push(location.split('/').pop()!);
      expect(String(ops[0]?.['status']).startsWith('201'), 'the bulk create did not answer 201');
    },
  },

  {
    id: 'delete',
    title: 'DELETE removes users and groups (204, then 404)',
    async run(x, c) {
      const { created } = x;
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
    },
  },
];
