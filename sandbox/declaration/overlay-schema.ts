import { closestMatch } from 'leven';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { describe, join } from './pointer.js';
import type { Problems, Source } from './problems.js';
import { TASK_KINDS } from './kind.js';
import { mapping, path } from './schema-parts.js';
import { TRAFFIC_SCHEMA } from './traffic-schema.js';

export const BINDING_SOURCES = [
  'database.url',
  'database.host',
  'database.port',
  'database.name',
  'database.user',
  'database.password',
  'idp.issuer',
  'idp.discovery_url',
  'idp.client_id',
  'idp.client_secret',
  'idp.scopes',
  'edge.url',
  'collector.endpoint',
  'collector.traces_endpoint',
] as const;
export const DATABASE_KINDS = ['postgres', 'mariadb', 'redis', 'none'] as const;
export const PROFILES = ['hspc-2016', 'hl7-hsp-r2'] as const;
/** Stands for a task of the declaration in hints; load.ts puts the declaration's first task's name in. */
export const TASK_EXAMPLE = '<task>';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const DNS = '^[a-z][a-z0-9-]{0,39}$';

const port = {
  type: 'integer',
  minimum: 1,
  maximum: 65535,
  hint: 'use one of the task\'s declared "ports"',
};
const dnsLabel = {
  type: 'string',
  pattern: DNS,
  hint: 'use a DNS label: lower-case letters, digits and "-", starting with a letter, at most 40 characters',
};
const envMap = (example: string, values: object) => ({
  type: 'object',
  propertyNames: { pattern: ENV_NAME },
  additionalProperties: values,
  hint: `write a mapping of variable names, e.g. ${example}`,
});

/** Settings valid both at the top level (as defaults) and under `tasks.<task>`. */
const taskSettings = {
  image: { type: 'string', minLength: 1, hint: 'write the image reference, e.g. vendor/image:tag' },
  replicas: {
    type: 'integer',
    minimum: 0,
    hint: 'write a whole number, 0 or more, e.g. replicas: 2',
  },
  health: mapping('health: { path: /health, port: 8080 }', { path: path('/health'), port }),
  smoke: mapping('smoke: { command: ["npm", "test"], path: /smoke }', {
    path: path('/smoke'),
    command: {
      type: ['string', 'array'],
      items: { type: 'string' },
      minItems: 1,
      minLength: 1,
      hint: 'write a command, e.g. command: ["npm", "test"]',
    },
  }),
  scim: mapping('scim: { path: /scim/v2 }', { path: path('/scim/v2') }),
  login: mapping('login: { path: /me }', { path: path('/me') }),
  bind: envMap('bind: { DATABASE_URL: database.url }', {
    enum: BINDING_SOURCES,
    hint: 'bind to a setting the sandbox provides, e.g. DATABASE_URL: database.url',
  }),
  env: envMap('env: { LOG_LEVEL: "debug" }', {
    type: 'string',
    hint: 'quote the value: environment values are strings, e.g. PORT: "8080"',
  }),
  sso: { type: 'boolean', hint: 'write true or false' },
  kind: {
    enum: TASK_KINDS,
    hint: `use one of ${TASK_KINDS.join(', ')}: web serves HTTP on its ports, a worker runs without ports, initialization runs once before the others, cron on its schedule`,
  },
  traffic: TRAFFIC_SCHEMA,
};

/** JSON schema of rehearsal.yaml. Unknown fields are warnings, every other deviation an error. */
export const OVERLAY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  hint: 'write settings as "key: value" lines, e.g. "profile: hspc-2016"',
  properties: {
    profile: { enum: PROFILES, hint: `use one of ${PROFILES.join(', ')}` },
    sandbox: mapping('sandbox: { name: my-service }', { name: dnsLabel }),
    configuration: {
      type: 'integer',
      minimum: 0,
      hint: 'write the index of a configuration[] entry, from 0',
    },
    database: {
      type: ['string', 'object'],
      hint: `write a database kind (${DATABASE_KINDS.join(', ')}) or { kind: postgres, version: "16" }`,
      if: { type: 'string' },
      then: { enum: DATABASE_KINDS, hint: `use one of ${DATABASE_KINDS.join(', ')}` },
      additionalProperties: false,
      properties: {
        kind: { enum: DATABASE_KINDS, hint: `use one of ${DATABASE_KINDS.join(', ')}` },
        version: { type: 'string', minLength: 1, hint: 'quote the version, e.g. version: "16"' },
      },
    },
    tasks: {
      type: 'object',
      hint: 'write tasks as a mapping: tasks: { <task id, label or name>: { replicas: 2 } }',
      additionalProperties: mapping(`${TASK_EXAMPLE}: { replicas: 2 }`, {
        ...taskSettings,
        name: dnsLabel,
      }),
    },
    ...taskSettings,
  },
} as const;

let validator: ValidateFunction | undefined;

/**
 * Validates a parsed rehearsal.yaml, recording an error for each wrong value (wrong type, out of
 * range, bad pattern) and a warning, at the key's line, for each unknown field.
 */
export function checkOverlaySchema(value: unknown, source: Source, problems: Problems): void {
  if (!validator) {
    const ajv = createAjv({ allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'hint', schemaType: 'string' });
    validator = ajv.compile(OVERLAY_SCHEMA);
  }
  if (validator(value)) return;
  for (const e of validator.errors ?? []) report(e, source, problems);
}

function report(e: ErrorObject, source: Source, problems: Problems): void {
  const ptr = e.instancePath;
  const name = ptr === '' ? 'the overlay' : `"${ptr.slice(1).replace(/\//g, '.')}"`;
  const hint =
    typeof e.parentSchema?.['hint'] === 'string'
      ? e.parentSchema['hint']
      : 'fix the value at this position';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params['additionalProperty']);
      const fields = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
      const where = ptr === '' ? 'at the top level' : `in ${name}`;
      // A close spelling (at most a third of the key's letters changed) is offered first.
      const near = closestMatch(key, fields, {
        maxDistance: Math.max(2, Math.floor(key.length / 3)),
      });
      problems.warn(
        source.keyAt(join(ptr, key)),
        `unknown field "${key}" ${where}; it is ignored`,
        `${near ? `did you mean "${near}"? ` : ''}known fields here are ${fields.join(', ')}; check the spelling`,
      );
      return;
    }
    case 'required':
      problems.error(
        source.at(ptr),
        `${name} has no "${String(e.params['missingProperty'])}"`,
        hint,
      );
      return;
    case 'const':
      problems.error(
        source.at(ptr),
        `${name} is ${describe(e.data)}; only ${JSON.stringify(e.params['allowedValue'])} is allowed as a value of this kind`,
        hint,
      );
      return;
    case 'if':
    case 'propertyNames':
      return; // the error from the inner schema says it better
    case 'pattern':
      if (e.propertyName !== undefined) {
        problems.error(
          source.keyAt(join(ptr, e.propertyName)),
          `"${e.propertyName}" is not a valid environment variable name`,
          'use letters, digits and "_", not starting with a digit',
        );
        return;
      }
      problems.error(
        source.at(ptr),
        `${name} is ${describe(e.data)}, which does not match ${String(e.params['pattern'])}`,
        hint,
      );
      return;
    case 'type':
      problems.error(
        source.at(ptr),
        `${name} must be ${article(String(e.params['type']))}, found ${describe(e.data)}`,
        hint,
      );
      return;
    case 'enum': {
      const values = (e.params['allowedValues'] as unknown[]).map(String);
      const near = typeof e.data === 'string' ? closest(e.data, values) : undefined;
      problems.error(
        source.at(ptr),
        `${name} is ${describe(e.data)}; expected one of ${compactChoices(values)}${near ? ` (did you mean ${near}?)` : ''}`,
        hint,
      );
      return;
    }
    case 'minItems':
    case 'minLength':
      problems.error(source.at(ptr), `${name} is empty`, hint);
      return;
    case 'minimum':
    case 'maximum': {
      const bound = `${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(e.params['limit'])}`;
      problems.error(source.at(ptr), `${name} is ${describe(e.data)}; it must be ${bound}`, hint);
      return;
    }
    default:
      problems.error(
        source.at(ptr),
        `${name} ${e.message ?? 'is invalid'} (found ${describe(e.data)})`,
        hint,
      );
  }
}

function article(types: string): string {
  return types
    .split(',')
    .map((t) => (t === 'integer' ? 'a whole number' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`))
    .join(' or ');
}

/** Dotted choices grouped by their first part, so a long list stays one line: `database.{url,host}, edge.url`. */
export function compactChoices(values: string[]): string {
  const groups = new Map<string, string[]>();
  for (const v of values) {
    const dot = v.indexOf('.');
    const head = dot > 0 ? v.slice(0, dot) : v;
    groups.set(head, [...(groups.get(head) ?? []), dot > 0 ? v.slice(dot + 1) : '']);
  }
  return [...groups]
    .map(([head, rests]) =>
      rests.length > 1 && rests.every(Boolean)
        ? `${head}.{${rests.join(',')}}`
        : rests.map((r) => (r ? `${head}.${r}` : head)).join(', '),
    )
    .join(', ');
}

/** The allowed value a typo most likely meant (at most 2 edits away), if any. */
export function closest(typed: string, values: string[]): string | undefined {
  let best: { value: string; d: number } | undefined;
  for (const value of values) {
    const d = editDistance(typed.toLowerCase(), value.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { value, d };
  }
  return best?.value;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length] ?? 0;
}
