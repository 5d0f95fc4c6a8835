import type { EnvVarDeclaration, ProfileName } from './types.js';
import type { Fields } from './fields.js';
import { join } from './pointer.js';

export const ENVIRONMENT_FIELDS = ['key', 'description', 'required', 'default', 'pattern'] as const;
const PORTABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** HL7 HSP R2 names configuration variables with `[A-Z0-9_]` only. */
const R2_KEY = /^[A-Z0-9_]+$/;

/**
 * Reads a task's `environment[]`: key, description, required, default and pattern. Keys must be
 * usable shell variable names, unique, and upper case under profile `hl7-hsp-r2` (a warning
 * under `hspc-2016`, whose seed document does not require it).
 */
export function readEnvironment(
  list: unknown[],
  base: string,
  fields: Fields,
  profile: ProfileName,
): EnvVarDeclaration[] {
  const { problems, source } = fields;
  const seen = new Set<string>();
  const vars: EnvVarDeclaration[] = [];
  list.forEach((item, i) => {
    const ptr = join(base, i);
    const obj = fields.check(item, ptr, `environment[${i}]`, 'object', {
      expected: 'an object with "key" and "description"',
      hint: 'write { "key": "NAME", "description": "what it is for" }',
    });
    if (!obj) return;
    fields.unknownFields(obj, ptr, ENVIRONMENT_FIELDS, 'an environment variable');
    const key = fields.get(obj, ptr, 'key', 'string', {
      expected: 'the variable name, a string',
      hint: 'write the name as a string, e.g. "key": "DATABASE_URL"',
      requiredHint: 'add "key": "NAME" to this environment variable',
    });
    const description = fields.get(obj, ptr, 'description', 'string', {
      expected: 'a string',
      hint: 'describe the variable in a string',
    });
    const required = fields.get(obj, ptr, 'required', 'boolean', {
      expected: 'true or false',
      hint: 'write true or false without quotes',
    });
    const dflt = fields.get(obj, ptr, 'default', 'string', {
      expected: 'a string',
      hint: 'environment values are strings; put the default in double quotes',
    });
    const pattern = fields.get(obj, ptr, 'pattern', 'string', {
      expected: 'a regular expression in a string',
      hint: 'write the pattern as a string',
    });
    if (pattern !== undefined && !compiles(pattern)) {
      problems.warn(
        source.at(join(ptr, 'pattern')),
        `"pattern" ${JSON.stringify(pattern)} is not a valid regular expression; it is not checked`,
        'fix the regular expression',
      );
    }
    if (key === undefined) return;
    const keyAt = source.at(join(ptr, 'key'));
    if (!PORTABLE_KEY.test(key)) {
      problems.error(
        keyAt,
        `environment key ${JSON.stringify(key)} is not a valid variable name`,
        'use letters, digits and "_", not starting with a digit',
      );
    } else if (!R2_KEY.test(key)) {
      const hint = `rename it to ${key.toUpperCase()}`;
      if (profile === 'hl7-hsp-r2')
        problems.error(
          keyAt,
          `environment key "${key}" must use only A-Z, 0-9 and "_" under profile hl7-hsp-r2`,
          hint,
        );
      else
        problems.warn(
          keyAt,
          `environment key "${key}" has lower-case letters, which profile hl7-hsp-r2 forbids`,
          hint,
        );
    }
    if (seen.has(key)) {
      problems.error(
        keyAt,
        `duplicate environment key "${key}"`,
        'declare each variable once; merge the two entries',
      );
      return;
    }
    seen.add(key);
    vars.push({
      key,
      description: description ?? '',
      required: required ?? false,
      ...(dflt !== undefined ? { default: dflt } : {}),
      ...(pattern !== undefined ? { pattern } : {}),
      location: source.at(ptr),
    });
  });
  return vars;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
