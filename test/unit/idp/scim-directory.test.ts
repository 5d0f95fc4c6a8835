import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPersonas } from '../../../idp/personas.js';
import { scimDirectory } from '../../../idp/scim/directory.js';
import { runScimSuite } from '../../../idp/scim/suite.js';
import { templatePath } from '../../../sandbox/version.js';
import { memoryStore } from '../../../templates/reference-service/scim.mjs';

const personas = loadPersonas(templatePath('idp', 'personas.yaml'));
const store = memoryStore();
const handle = await scimDirectory(undefined, 'T0KEN', personas, store);
const server = createServer((req, res) => {
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  void handle(req, res, path, query);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
afterAll(() => server.close());

describe("the identity provider's SCIM directory", () => {
  it('is seeded from the personas: a user each, a group per persona group with its members', async () => {
    const get = async (path: string) =>
      (await (
        await fetch(`${base}${path}`, { headers: { authorization: 'Bearer T0KEN' } })
      ).json()) as Record<string, unknown>;
    expect((await get('/Users/dr-ada'))['userName']).toBe('ada.quill@example.test');
    const clinicians = await get('/Groups/group-clinicians');
    expect((clinicians['members'] as { value: string }[]).map((m) => m.value).sort()).toEqual([
      'dr-ada',
      'nurse-ben',
    ]);
    expect((await get('/Users'))['totalResults']).toBe(4);
  });

  it('passes the conformance suite and seeding twice adds nothing', async () => {
    const results = await runScimSuite({ baseUrl: base, token: 'T0KEN' });
    expect(results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.detail}`)).toEqual(
      [],
    );
    await scimDirectory(undefined, 'T0KEN', personas, store);
    expect((await store.all('Users')).length).toBe(4);
  });
});
