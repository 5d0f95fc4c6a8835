import { getNodePath, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { SourceLocation } from '../errors.js';
import { reportSyntax } from './json-syntax.js';
import { findTooDeep, MAX_NESTING } from './nesting.js';
import { join, split } from './pointer.js';
import type { Problems, Source } from './problems.js';

/** A parsed marketplace.json: its value (undefined after a syntax error) and its positions. */
export interface JsonSource extends Source {
  value: unknown;
}

/**
 * Parses strict JSON (no comments, no trailing commas) with jsonc-parser, which keeps offsets so
 * every pointer maps back to a line and column. Syntax errors are recorded with their position;
 * duplicate keys are warnings, and the last one wins, as with `JSON.parse`.
 */
export function parseJsonSource(file: string, text: string, problems: Problems): JsonSource {
  const lines = lineStarts(text);
  const position = (offset: number, pointer: string): SourceLocation => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const line = lo;
    return { file, line: line + 1, column: offset - (lines[line] ?? 0) + 1, pointer };
  };

  const deep = findTooDeep(text, 'json');
  if (deep) {
    problems.error(
      { file, ...deep, pointer: '' },
      `arrays and objects nest more than ${MAX_NESTING} levels deep`,
      'a marketplace.json nests a few levels; check that this is the right file',
    );
    return { file, value: undefined, at: (p) => position(0, p), keyAt: (p) => position(0, p) };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  reportSyntax(text, errors, position, problems);
  if (root) reportDuplicates(root, position, problems);

  const find = (pointer: string, key: boolean): SourceLocation => {
    let node = root;
    let keyNode: Node | undefined;
    for (const token of split(pointer)) {
      const next = node ? child(node, token) : undefined;
      if (!next) break;
      node = next.value;
      keyNode = next.key;
    }
    const at = key && keyNode ? keyNode : node;
    return position(at?.offset ?? 0, pointer);
  };

  return {
    file,
    value: errors.length === 0 && root ? toValue(root) : undefined,
    at: (pointer) => find(pointer, false),
    keyAt: (pointer) => find(pointer, true),
  };
}

function reportDuplicates(
  node: Node,
  position: (o: number, p: string) => SourceLocation,
  problems: Problems,
): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const key = prop.children?.[0];
      if (!key) continue;
      const name = String(key.value);
      if (seen.has(name)) {
        const pointer = join('', ...getNodePath(key).map(String));
        problems.warn(
          position(key.offset, pointer),
          `duplicate key "${name}"; the last one is used`,
          'remove one of the duplicates',
        );
      }
      seen.add(name);
    }
  }
  for (const c of node.children ?? []) reportDuplicates(c, position, problems);
}

/** The member named by `token`; the last of duplicate keys, matching the value `toValue` keeps. */
function child(node: Node, token: string): { key?: Node; value: Node } | undefined {
  if (node.type === 'array') {
    const item = /^(0|[1-9]\d*)$/.test(token) ? node.children?.[Number(token)] : undefined;
    return item ? { value: item } : undefined;
  }
  if (node.type !== 'object') return undefined;
  const prop = [...(node.children ?? [])].reverse().find((p) => p.children?.[0]?.value === token);
  const [key, value] = prop?.children ?? [];
  return key && value ? { key, value } : undefined;
}

/** Builds plain values; defineProperty keeps a `"__proto__"` key an ordinary field. */
function toValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const obj: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (!key || !value) continue;
        Object.defineProperty(obj, String(key.value), {
          value: toValue(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return obj;
    }
    case 'array':
      return (node.children ?? []).map(toValue);
    default:
      return node.value;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
