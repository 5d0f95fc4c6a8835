import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import type { SourceLocation } from '../errors.js';
import { findTooDeep, MAX_NESTING } from './nesting.js';
import { split } from './pointer.js';
import type { Problems, Source } from './problems.js';

/** A parsed rehearsal.yaml: its value (undefined after a syntax error) and its positions. */
export interface YamlSource extends Source {
  value: unknown;
}

/**
 * Parses YAML 1.2 with the `yaml` package, keeping node ranges so pointers map to lines. Syntax
 * errors (including duplicate keys and tab indentation) are errors at yaml's own positions;
 * yaml's warnings stay warnings.
 */
export function parseYamlSource(file: string, text: string, problems: Problems): YamlSource {
  const deep = findTooDeep(text, 'yaml');
  if (deep) {
    problems.error(
      { file, ...deep, pointer: '' },
      `mappings and lists nest more than ${MAX_NESTING} levels deep`,
      'rehearsal.yaml nests a few levels; check that this is the right file',
    );
    const start = (pointer: string): SourceLocation => ({ file, line: 1, column: 1, pointer });
    return { file, value: undefined, at: start, keyAt: start };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    uniqueKeys: true,
    prettyErrors: true,
  });
  const position = (offset: number, pointer: string): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, pointer };
  };
  const report = (e: YAMLError, severity: 'error' | 'warning'): void => {
    const loc = position(e.pos[0], '');
    const message = `invalid YAML: ${firstLine(e.message)}`;
    const hint = HINTS[e.code] ?? 'fix the YAML syntax at this position';
    if (severity === 'error') problems.error(loc, message, hint);
    else problems.warn(loc, message, hint);
  };
  for (const e of doc.errors) report(e, 'error');
  for (const w of doc.warnings) report(w, 'warning');

  const find = (pointer: string, wantKey: boolean): SourceLocation => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const token of split(pointer)) {
      const next = child(node, token);
      if (!next) break;
      [keyNode, node] = [next.key, next.value ?? next.key];
    }
    const target = (wantKey && keyNode ? keyNode : node) as YamlNode | null | undefined;
    return position(target?.range?.[0] ?? 0, pointer);
  };

  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (cause) {
      // Aliases fail only when expanded: an undefined anchor, or an alias bomb.
      let alias: YamlNode | undefined;
      visit(doc, { Alias: (_key, node) => ((alias = node), visit.BREAK) });
      const reason = cause instanceof Error ? cause.message : String(cause);
      problems.error(
        position(alias?.range?.[0] ?? 0, ''),
        `invalid YAML: ${reason}`,
        /Excessive alias count/.test(reason)
          ? 'rehearsal.yaml needs no aliases at all: write the values out (at most 100 alias expansions are allowed)'
          : 'define each anchor (&name) before its alias (*name)',
      );
    }
  }
  return { file, value, at: (p) => find(p, false), keyAt: (p) => find(p, true) };
}

function child(node: unknown, token: string): { key: unknown; value: unknown } | undefined {
  if (isSeq(node)) {
    const item = /^(0|[1-9]\d*)$/.test(token) ? node.items[Number(token)] : undefined;
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  if (!isMap(node)) return undefined;
  const pair = node.items.find(
    (p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === token,
  );
  return pair ? { key: pair.key, value: pair.value } : undefined;
}

/** yaml appends " at line L, column C:" and a code excerpt; our location says that already. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

const HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align the keys of one mapping at the same column',
  BLOCK_AS_IMPLICIT_KEY:
    'check the indentation: a nested mapping goes on its own lines, indented under its key',
  MULTILINE_IMPLICIT_KEY: 'check the indentation: a key and its colon must be on one line',
  MISSING_CHAR: 'close the quote, or the bracket, that opens here',
  DUPLICATE_KEY: 'remove or merge the repeated key',
  UNEXPECTED_TOKEN: 'check for a stray character or a missing colon',
};
