import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** A synthetic user of the sandbox's identity provider. */
export interface Persona {
  /** Subject (`sub`) and `login_hint`. */
  id: string;
  name: string;
  email: string;
  groups: string[];
  /** Further claims, by claim name. */
  claims: Record<string, string | number | boolean>;
}

/** A malformed persona file: where (1-based line and column) and what is wrong. */
export class PersonaFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
    this.name = 'PersonaFileError';
  }
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const CLAIM = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** Claims the provider derives itself; a persona may not set them under `claims`. */
const RESERVED = new Set(['sub', 'name', 'email', 'groups', 'iss', 'aud', 'exp', 'iat', 'nonce']);

/** Reads and checks a persona file; a problem becomes a `PersonaFileError` at its line. */
export function loadPersonas(file: string): Persona[] {
  return parsePersonas(readFileSync(file, 'utf8'), file);
}

/** Parses persona YAML text; `file` names it in errors. */
export function parsePersonas(text: string, file: string): Persona[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const fail = (node: Node | undefined | null, problem: string, offset = 0): never => {
    const at = lines.linePos(node?.range?.[0] ?? offset);
    throw new PersonaFileError(file, at.line, at.col, problem);
  };
  const first = doc.errors[0];
  if (first) fail(undefined, `not valid YAML: ${first.message.split('\n')[0]}`, first.pos[0]);
  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'expected a mapping with a `personas:` list');
  const list = root.get('personas', true);
  if (!isSeq(list) || list.items.length === 0)
    return fail(list ?? root, '`personas` must be a non-empty list of personas');
  const seen = new Set<string>();
  return list.items.map((item) => {
    if (!isMap(item)) return fail(item as Node, 'each persona is a mapping (id, name, email, …)');
    const str = (key: string, required: boolean): string | undefined => {
      const node = item.get(key, true) as Node | undefined;
      const value = item.get(key);
      if (value === undefined || value === null) {
        if (required) fail(item, `persona lacks \`${key}\``);
        return undefined;
      }
      if (typeof value !== 'string' || value.trim() === '')
        fail(node, `\`${key}\` must be a non-empty string`);
      return value as string;
    };
    const id = str('id', true)!;
    if (!ID.test(id))
      fail(
        item.get('id', true) as Node,
        `id "${id}" must be lower-case letters, digits, ".", "_" or "-"`,
      );
    if (seen.has(id)) fail(item.get('id', true) as Node, `id "${id}" is used by two personas`);
    seen.add(id);
    const email = str('email', true)!;
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      fail(item.get('email', true) as Node, `email "${email}" is not an e-mail address`);
    const groupsNode = item.get('groups', true) as Node | undefined;
    const groups = item.get('groups') ?? [];
    const groupList = isSeq(groupsNode) ? (groupsNode.toJSON() as unknown[]) : groups;
    if (!Array.isArray(groupList) || !groupList.every((g) => typeof g === 'string' && g !== ''))
      fail(groupsNode, '`groups` must be a list of group names');
    const claimsNode = item.get('claims', true) as Node | undefined;
    const claims: Persona['claims'] = {};
    if (claimsNode !== undefined && claimsNode !== null) {
      if (!isMap(claimsNode))
        fail(claimsNode, '`claims` must be a mapping of claim names to values');
      for (const pair of (claimsNode as unknown as { items: { key: Node; value: Node }[] }).items) {
        const key = String((pair.key as unknown as { value: unknown }).value);
        const value = pair.value?.toJSON() as unknown;
        if (!CLAIM.test(key)) fail(pair.key, `"${key}" is not a claim name`);
        if (RESERVED.has(key))
          fail(pair.key, `"${key}" is set by the provider; remove it from claims`);
        if (!['string', 'number', 'boolean'].includes(typeof value))
          fail(pair.value ?? pair.key, `claim "${key}" must be a string, number or boolean`);
        claims[key] = value as string | number | boolean;
      }
    }
    return { id, name: str('name', true)!, email, groups: groupList as string[], claims };
  });
}
