/** RFC 6901 JSON pointers: building and splitting them. */

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends reference tokens to a pointer: `join('/a', 'b/c', 0)` → `/a/b~1c/0`. */
export function join(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

/** Splits a pointer into unescaped reference tokens; `''` (the whole document) gives `[]`. */
export function split(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Shows a value briefly in a message: strings quoted and cut, other kinds named. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `the string ${JSON.stringify(s)}`;
    }
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
