import { UserError } from '../errors.js';

/**
 * Resolves compose interpolation in a value: `${NAME}` and `$NAME` from `vars`, `$$` → `$`.
 * Same rules as `docker compose`, so a container made by Rehearsal and one made from the written
 * compose.yaml get the same environment.
 */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, all: string, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      const name = (braced ?? bare) as string;
      const v = vars[name];
      if (v === undefined) {
        throw new UserError(`the sandbox secret ${name} is missing`, {
          hint: 'The .env file of the sandbox was edited or removed: run `rehearsal down --volumes` and `rehearsal up` to start afresh.',
        });
      }
      return v;
    },
  );
}
