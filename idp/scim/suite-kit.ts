import type { ScimClient } from './client.js';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A failed expectation inside a check. */
export class Unmet extends Error {}

export function expect(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Unmet(message);
}

export type Body = Record<string, unknown>;
export const list = (b: Body) => (Array.isArray(b['Resources']) ? (b['Resources'] as Body[]) : []);
export const schemas = (b: Body) => (Array.isArray(b['schemas']) ? (b['schemas'] as string[]) : []);
export const memberIds = (b: Body) =>
  (Array.isArray(b['members']) ? (b['members'] as Body[]) : []).map((m) => String(m['value']));

/** What the checks of one suite run share: its tag, what it created, what it learned. */
export interface SuiteRun {
  /** Entra ID's dialect: capitalised PATCH ops, `active` as a string. */
  entra: boolean;
  /** A PATCH op name in the target's dialect. */
  op(name: 'add' | 'replace' | 'remove'): string;
  /** Prefix of every name this run creates, so runs never collide. */
  tag: string;
  /** What to delete at the end. */
  created: { users: string[]; groups: string[] };
  /** What earlier checks made or read, for later ones. */
  state: { user?: Body; other?: Body; group?: Body; spc?: Body };
  newUser(name: string, extra?: Body): Body;
  /** POST /Users, expecting 201 and an id; the user is recorded for deletion. */
  createUser(c: ScimClient, name: string): Promise<Body>;
}

/** One check of the suite: passes, fails (an `Unmet`), or says why it was skipped. */
export interface ScimCheck {
  id: string;
  title: string;
  run(s: SuiteRun, c: ScimClient): Promise<void | string>;
}
