import { randomBytes } from 'node:crypto';
import { ScimClient, type Exchange, type ScimTarget } from './client.js';
import { RESOURCE_CHECKS } from './suite-resources.js';
import { Unmet, USER_SCHEMA, type Body, type ScimCheck, type SuiteRun } from './suite-kit.js';
import { USER_CHECKS } from './suite-users.js';

export type { ScimTarget } from './client.js';

export interface CheckResult {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed (or was skipped); empty when it passed. */
  detail: string;
  evidence: Exchange[];
}

/** In order: later checks use what earlier ones created, and the last deletes it all. */
const CHECKS: readonly ScimCheck[] = [...USER_CHECKS, ...RESOURCE_CHECKS];

/**
 * The SCIM 2.0 conformance suite: users and groups created, read, replaced, patched (add,
 * replace, remove, membership) and deleted; `userName eq` filters with and without a match;
 * paging after filtering; 409 on a duplicate userName; 404 with the SCIM Error schema; the
 * discovery endpoints; Bulk when advertised. Every result carries its HTTP exchanges.
 */
export async function runScimSuite(target: ScimTarget): Promise<CheckResult[]> {
  const run = suiteRun(target);
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    const c = new ScimClient(target);
    const { id, title } = check;
    try {
      const skipped = await check.run(run, c);
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
  }
  return results;
}

/** A fresh run against the target: its own tag, nothing created yet. */
function suiteRun(target: ScimTarget): SuiteRun {
  const entra = target.dialect === 'entra';
  const created: SuiteRun['created'] = { users: [], groups: [] };
  const newUser = (name: string, extra: Body = {}): Body => ({
    schemas: [USER_SCHEMA],
    userName: `${name}@example.test`,
    name: { givenName: name, familyName: 'Rehearsal' },
    emails: [{ value: `${name}@example.test`, type: 'work', primary: true }],
    active: entra ? 'True' : true,
    ...extra,
  });
  return {
    entra,
    op: (name) => (entra ? name[0]!.toUpperCase() + name.slice(1) : name),
    tag: `rh${randomBytes(4).toString('hex')}`,
    created,
    state: {},
    newUser,
    async createUser(c, name) {
      const r = await c.call('POST', '/Users', newUser(name));
      if (r.status !== 201) throw new Unmet(`POST /Users answered ${r.status}, not 201`);
      if (typeof r.body['id'] !== 'string') throw new Unmet('the created user has no id');
      created.users.push(String(r.body['id']));
      return r.body;
    },
  };
}
