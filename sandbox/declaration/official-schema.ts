import type { ErrorObject, ValidateFunction } from 'ajv';
import buildSchema from './schema/marketplace-build.json' with { type: 'json' };
import taskSchema from './schema/marketplace-task.json' with { type: 'json' };
import { createAjv } from './ajv.js';
import { isObject } from './fields.js';
import { describe, join } from './pointer.js';
import type { Problems, Source } from './problems.js';

/** More than this many deviations says "the file follows another schema", not more detail. */
const MAX_WARNINGS = 50;

let validators: { build: ValidateFunction; task: ValidateFunction } | undefined;

/**
 * The official schemas, compiled once. They declare draft 2020-12 but are written in draft-07
 * style, so `$schema` is dropped and Ajv runs in its draft-07 dialect, leniently. A one-element
 * array-form `items` is read as "every item": in draft-07 it would check only the first item,
 * which would let `pricing[2].kind` escape, and the authors evidently meant a list of objects.
 * The non-standard formats `url` and `datetime` are given meanings the real files satisfy.
 */
function compiled(): { build: ValidateFunction; task: ValidateFunction } {
  if (validators) return validators;
  const ajv = createAjv({ strict: false, validateSchema: false });
  const uri = ajv.formats['uri'];
  if (uri !== undefined) ajv.addFormat('url', uri);
  ajv.addFormat(
    'datetime',
    /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/i,
  );
  validators = { build: ajv.compile(adapt(buildSchema)), task: ajv.compile(adapt(taskSchema)) };
  return validators;
}

function adapt(schema: unknown): object {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$schema') continue;
      out[k] = k === 'items' && Array.isArray(v) && v.length === 1 ? walk(v[0]) : walk(v);
    }
    return out;
  };
  return walk(schema) as object;
}

/**
 * Checks a current-shape declaration against the official build.json and each of its tasks
 * against task.json. Every deviation is a warning: real, published declarations deviate, and
 * Rehearsal's own rules already made errors of what it cannot run without.
 */
export function checkOfficialSchema(
  doc: unknown,
  shape: 'configuration' | 'tasks',
  source: Source,
  problems: Problems,
): void {
  if (shape === 'tasks') {
    problems.warn(
      source.keyAt('/tasks'),
      'earlier-ballot "tasks" shape: the official Marketplace schema check is skipped',
      'the current format lists tasks under "configuration": [{ "default": true, "task": [...] }]',
    );
    return;
  }
  const { build, task } = compiled();
  const found: Array<Finding | Missing> = [];
  const collect = (errors: ErrorObject[] | null | undefined, base: string, schemaName: string) => {
    for (const e of errors ?? []) found.push(translate(e, base, schemaName));
  };
  if (!build(doc)) collect(build.errors, '', 'build.json');
  const configs = isObject(doc) && Array.isArray(doc['configuration']) ? doc['configuration'] : [];
  configs.forEach((c, i) => {
    const tasks = isObject(c) && Array.isArray(c['task']) ? c['task'] : [];
    tasks.forEach((t, j) => {
      if (isObject(t) && !task(t))
        collect(task.errors, join('/configuration', i, 'task', j), 'task.json');
    });
  });

  const seen = new Set<string>();
  const fresh = summarise(found).filter((f) => {
    const key = `${f.pointer} ${f.message}`;
    if (seen.has(key) || problems.hasErrorAt(source.file, f.pointer)) return false;
    seen.add(key);
    return true;
  });
  for (const f of fresh.slice(0, MAX_WARNINGS))
    problems.warn(source.at(f.pointer), f.message, f.hint);
  if (fresh.length > MAX_WARNINGS) {
    problems.warn(
      source.at(''),
      `${fresh.length - MAX_WARNINGS} more deviations from the official Marketplace schema are not shown`,
      'validate the file against the official schema for the full list',
    );
  }
}

interface Finding {
  pointer: string;
  message: string;
  hint: string;
}

/** A "required" failure, kept apart so the fields one object lacks become one warning. */
interface Missing {
  parent: string;
  field: string;
  prefix: string;
}

/** Findings in order, with each object's missing fields listed in one warning. */
function summarise(items: Array<Finding | Missing>): Finding[] {
  const groups = new Map<string, { first: Missing; fields: string[] }>();
  const order: Array<Finding | string> = [];
  for (const item of items) {
    if ('message' in item) {
      order.push(item);
      continue;
    }
    const key = `${item.prefix} ${item.parent}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: item, fields: [item.field] });
      order.push(key);
    } else if (!group.fields.includes(item.field)) group.fields.push(item.field);
  }
  return order.flatMap((o) => {
    if (typeof o !== 'string') return [o];
    const group = groups.get(o);
    if (!group) return [];
    const { first, fields } = group;
    const list = fields.map((f) => `"${f}"`).join(', ');
    // One missing field is pointed at; several are pointed at the object lacking them.
    const pointer = fields.length === 1 ? join(first.parent, first.field) : first.parent;
    return [{ pointer, message: `${first.prefix} missing ${list}`, hint: `add ${list}; ${NOTE}` }];
  });
}

const NOTE = 'Rehearsal runs without it, but a Marketplace may reject the file';

function translate(e: ErrorObject, base: string, schemaName: string): Finding | Missing {
  const prefix = `official Marketplace schema (${schemaName}):`;
  const pointer = base + e.instancePath;
  switch (e.keyword) {
    case 'required': {
      const prop = String(e.params['missingProperty']);
      return { parent: pointer, field: prop, prefix };
    }
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[])
        .map((v) => JSON.stringify(v))
        .join(', ');
      return {
        pointer,
        message: `${prefix} ${describe(e.data)} is not one of ${allowed}`,
        hint: `use one of ${allowed}; ${NOTE}`,
      };
    }
    case 'format':
      return {
        pointer,
        message: `${prefix} ${describe(e.data)} is not a valid ${String(e.params['format'])}`,
        hint: `write a valid ${String(e.params['format'])}; ${NOTE}`,
      };
    default:
      return {
        pointer,
        message: `${prefix} value ${e.message ?? 'does not match'}`,
        hint: `follow the official schema here; ${NOTE}`,
      };
  }
}
