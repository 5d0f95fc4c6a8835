/**
 * Bracket nesting depth, checked before parsing: jsonc-parser recurses once per level and
 * overflows the stack near 10,000, and yaml exhausts memory on deep flow collections, which would
 * crash the process instead of reporting a problem. Real declarations nest fewer than 10 levels.
 */
export const MAX_NESTING = 64;

export interface TooDeep {
  line: number;
  column: number;
}

/**
 * Where `[`/`{` nesting first exceeds `MAX_NESTING`, outside double-quoted strings (and, for
 * YAML, single-quoted strings and comments); undefined when it never does.
 */
export function findTooDeep(text: string, syntax: 'json' | 'yaml'): TooDeep | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote: string | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
      comment = false;
    } else if (comment) {
      continue;
    } else if (quote !== undefined) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || (syntax === 'yaml' && ch === "'")) {
      quote = ch;
    } else if (syntax === 'yaml' && ch === '#' && /^\s?$/.test(text[i - 1] ?? '')) {
      comment = true;
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_NESTING) return { line, column: i - lineStart + 1 };
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
