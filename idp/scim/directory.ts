import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import {
  createScim,
  databaseStore,
  type ScimStore,
} from '../../templates/reference-service/scim.mjs';
import { SCHEMA } from '../database.js';
import type { Persona } from '../personas.js';

/**
 * The provider's own SCIM 2.0 directory at `/scim/v2` (the same scimmy-based implementation as
 * the reference service), kept in the sandbox's database and seeded from the personas: a user per
 * persona (id = persona id, userName = e-mail) and a group per persona group.
 */
export async function scimDirectory(
  pool: pg.Pool | undefined,
  token: string,
  personas: Persona[],
  store: ScimStore = databaseStore(pool!, `${SCHEMA}.scim_resource`),
) {
  await seed(store, personas);
  const scim = createScim({ token, store });
  return async (req: IncomingMessage, res: ServerResponse, path: string, query: string) => {
    const reply = await scim.handle(
      req,
      { searchParams: new URLSearchParams(query) },
      path.slice('/scim/v2'.length),
    );
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...reply.headers,
      ...(text ? { 'content-length': Buffer.byteLength(text) } : {}),
    });
    res.end(text);
  };
}

/** Adds the personas and their groups that the directory lacks; leaves everything else alone. */
async function seed(store: ScimStore, personas: Persona[]): Promise<void> {
  const now = new Date().toISOString();
  const meta = (resourceType: string) => ({
    resourceType,
    created: now,
    lastModified: now,
    version: 'W/"1"',
  });
  const users = new Set((await store.all('Users')).map((u) => u.id));
  for (const p of personas) {
    if (users.has(p.id)) continue;
    await store.put('Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: p.id,
      externalId: p.id,
      userName: p.email,
      displayName: p.name,
      emails: [{ value: p.email, type: 'work', primary: true }],
      active: true,
      meta: meta('User'),
    });
  }
  const groups = new Set((await store.all('Groups')).map((g) => g.id));
  for (const name of new Set(personas.flatMap((p) => p.groups))) {
    const id = `group-${name}`;
    if (groups.has(id)) continue;
    await store.put('Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id,
      displayName: name,
      members: personas
        .filter((p) => p.groups.includes(name))
        .map((p) => ({ value: p.id, display: p.name })),
      meta: meta('Group'),
    });
  }
}
