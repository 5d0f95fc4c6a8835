import { describe, join } from './pointer.js';
import type { Problems, Source } from './problems.js';

export type JsonObject = Record<string, unknown>;

interface Kinds {
  string: string;
  number: number;
  integer: number;
  boolean: boolean;
  array: unknown[];
  object: JsonObject;
}

export interface FieldSpec {
  /** What was expected, completing "must be ...", e.g. "an array of port numbers". */
  expected: string;
  /** How to fix a wrong value. */
  hint: string;
  /** When set, a missing field is an error with this hint. */
  requiredHint?: string;
}

/** Whether `v` is a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function matches<K extends keyof Kinds>(v: unknown, kind: K): v is Kinds[K] {
  switch (kind) {
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return typeof v === kind;
  }
}

/** Type-checked access to the fields of a parsed document, recording problems as it goes. */
export class Fields {
  constructor(
    readonly source: Source,
    readonly problems: Problems,
  ) {}

  /** Checks a value already in hand against `kind`; records an error and returns undefined if not. */
  check<K extends keyof Kinds>(
    value: unknown,
    pointer: string,
    label: string,
    kind: K,
    spec: FieldSpec,
  ): Kinds[K] | undefined {
    if (matches(value, kind)) return value;
    this.problems.error(
      this.source.at(pointer),
      `${label} must be ${spec.expected}, found ${describe(value)}`,
      spec.hint,
    );
    return undefined;
  }

  /** Reads `obj[key]`; missing is fine unless `spec.requiredHint` is set. */
  get<K extends keyof Kinds>(
    obj: JsonObject,
    base: string,
    key: string,
    kind: K,
    spec: FieldSpec,
  ): Kinds[K] | undefined {
    const pointer = join(base, key);
    if (!Object.hasOwn(obj, key) || obj[key] === undefined) {
      if (spec.requiredHint)
        this.problems.error(
          this.source.at(pointer),
          `missing "${key}": expected ${spec.expected}`,
          spec.requiredHint,
        );
      return undefined;
    }
    return this.check(obj[key], pointer, `"${key}"`, kind, spec);
  }

  /** Warns about each field of `obj` not in `known`, at the field's key. */
  unknownFields(obj: JsonObject, base: string, known: readonly string[], where: string): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      this.problems.warn(
        this.source.keyAt(join(base, key)),
        `unknown field "${key}" in ${where}; Rehearsal ignores it`,
        `known fields are ${known.join(', ')}; check the spelling or remove it`,
      );
    }
  }
}
