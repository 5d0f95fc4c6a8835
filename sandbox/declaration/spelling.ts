import { ENVIRONMENT_FIELDS } from './environment.js';
import { isObject, type JsonObject } from './fields.js';
import { join, split } from './pointer.js';
import type { Problems, Source } from './problems.js';
import { TASK_FIELDS } from './task.js';

/**
 * Field names of the marketplace format, in their current spelling. Earlier ballots and
 * hand-written files spell the same fields in camelCase, PascalCase or with dashes
 * (`dataAccess`, `ProductFacts`, `memory-maximum`); those are read as these, with a warning.
 */
const CURRENT = new Set([
  // top level, configuration, provenance
  'marketplace_url',
  'product',
  'configuration',
  'provenance',
  'tasks',
  'default',
  'task',
  'datetime',
  'attribution',
  'remark',
  // product, build, binary, dependencies
  'uuid',
  'build',
  'binary',
  'registry',
  'image',
  'dependency',
  'facts',
  'interface_id',
  'required',
  'mappings',
  'created_at',
  'updated_at',
  // facts
  'name',
  'organization',
  'contact',
  'stewards',
  'role',
  'licensing',
  'url',
  'pricing',
  'kind',
  'rate',
  'measure',
  'technology_mime_type',
  'domain',
  'cybersecurity',
  'control',
  'customer_service',
  'service',
  'terms',
  'data_access',
  'uri',
  'identify_and_access_management',
  'runtime_dependencies',
  'networking',
  // a task and its variables: the reader's own lists
  ...TASK_FIELDS,
  ...ENVIRONMENT_FIELDS,
]);

/** Other words for a field, after case folding: the schemas' own variants among them. */
const SYNONYMS: Record<string, string> = {
  runtime_dependency: 'runtime_dependencies',
  identity_and_access_management: 'identify_and_access_management',
  data_accesses: 'data_access',
};

/** Fields an earlier ballot keeps at the top level that now live inside `product`. */
const INTO_PRODUCT: Record<string, string> = {
  product_facts: 'facts',
  product_build: 'build',
  product_uuid: 'uuid',
};

/** `dataAccess` → `data_access`, `ProductFacts` → `product_facts`, `memory-maximum` → `memory_maximum`. */
export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

function currentSpelling(key: string): string | undefined {
  const snake = snakeCase(key);
  const word = SYNONYMS[snake] ?? snake;
  return word !== key && CURRENT.has(word) ? word : undefined;
}

export interface Respelled {
  /** The document with every field in its current spelling. */
  value: unknown;
  /** Positions in the file as written, asked for with current-spelling pointers. */
  source: Source;
}

/**
 * Reads fields spelled in an earlier way as their current spelling, warning once per field with
 * the spelling to use. The returned source translates pointers back to the file's own spelling,
 * so every later problem still points at the right line, and names the field as written.
 */
export function respell(doc: unknown, source: Source, problems: Problems): Respelled {
  // current-spelling pointer → pointer as written
  const renamed = new Map<string, string>();
  // One warning per spelling, at its first place, however many tasks repeat it.
  const seen = new Map<string, { at: string; count: number }>();
  const walk = (node: unknown, current: string, written: string): unknown => {
    if (Array.isArray(node)) return node.map((v, i) => walk(v, join(current, i), join(written, i)));
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    const entries = Object.entries(node);
    for (const [key, value] of entries) {
      const word = currentSpelling(key);
      const target = word !== undefined && !Object.hasOwn(node, word) ? word : key;
      if (target !== key) {
        renamed.set(join(current, target), join(written, key));
        const first = seen.get(`${key} ${target}`);
        if (first) first.count++;
        else seen.set(`${key} ${target}`, { at: join(written, key), count: 1 });
      }
      define(out, target, walk(value, join(current, target), join(written, key)));
    }
    return out;
  };
  let value = walk(doc, '', '');
  for (const [pair, { at, count }] of seen) {
    const [key, target] = pair.split(' ');
    const more = count > 1 ? ` (here and in ${count - 1} more place${count > 2 ? 's' : ''})` : '';
    problems.warn(
      source.keyAt(at),
      `"${key}" is an earlier spelling of "${target}"; read as "${target}"${more}`,
      `write "${target}", the current spelling`,
    );
  }
  if (isObject(value)) value = moveIntoProduct(value, source, problems, renamed);

  const written = (pointer: string): string => {
    const tokens = split(pointer);
    for (let n = tokens.length; n > 0; n--) {
      const prefix = join('', ...tokens.slice(0, n));
      const original = renamed.get(prefix);
      if (original !== undefined) return join(original, ...tokens.slice(n));
    }
    return pointer;
  };
  if (renamed.size === 0) return { value, source };
  return {
    value,
    source: {
      file: source.file,
      at: (p) => source.at(written(p)),
      keyAt: (p) => source.keyAt(written(p)),
    },
  };
}

/** `{ "ProductFacts": {...} }` at the top level → `{ "product": { "facts": {...} } }`. */
function moveIntoProduct(
  doc: JsonObject,
  source: Source,
  problems: Problems,
  renamed: Map<string, string>,
): JsonObject {
  // A "product" that is not an object is reported by the reader; nothing is moved into it.
  if (Object.hasOwn(doc, 'product') && !isObject(doc['product'])) return doc;
  const out: JsonObject = {};
  const product: JsonObject = isObject(doc['product']) ? { ...doc['product'] } : {};
  let moved = false;
  for (const [key, value] of Object.entries(doc)) {
    const inner = INTO_PRODUCT[snakeCase(key)];
    if (inner === undefined || Object.hasOwn(product, inner)) {
      if (key !== 'product') define(out, key, value);
      continue;
    }
    moved = true;
    const was = join('', key);
    const from = renamed.get(was) ?? was;
    // Renames inside it move with it.
    for (const [current, original] of [...renamed]) {
      if (current !== was && !current.startsWith(`${was}/`)) continue;
      renamed.delete(current);
      renamed.set(join('/product', inner) + current.slice(was.length), original);
    }
    renamed.set(join('/product', inner), from);
    problems.warn(
      source.keyAt(from),
      `"${split(from)[0]}" is an earlier spelling of "product.${inner}"; read as "product.${inner}"`,
      `move it into "product": { "${inner}": ... }, the current layout`,
    );
    define(product, inner, value);
  }
  if (moved || Object.hasOwn(doc, 'product')) define(out, 'product', product);
  return out;
}

/** Sets a field so that even `"__proto__"` stays an ordinary one. */
function define(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
