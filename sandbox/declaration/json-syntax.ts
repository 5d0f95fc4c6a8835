import { printParseErrorCode, ParseErrorCode, type ParseError } from 'jsonc-parser';
import type { SourceLocation } from '../errors.js';
import type { Problems } from './problems.js';

/**
 * Records jsonc-parser's syntax errors in words a JSON author knows, one per line: the parser
 * recovers and repeats itself, and the first error on a line is the cause. A trailing comma is
 * reported at the comma, not at the bracket the parser tripped over.
 */
export function reportSyntax(
  text: string,
  errors: ParseError[],
  position: (o: number, p: string) => SourceLocation,
  problems: Problems,
): void {
  const seenLines = new Set<number>();
  for (const e of errors) {
    const comma =
      e.error === ParseErrorCode.ValueExpected || e.error === ParseErrorCode.PropertyNameExpected
        ? trailingComma(text, e.offset)
        : undefined;
    const loc = position(comma ?? e.offset, '');
    if (seenLines.has(loc.line)) continue;
    seenLines.add(loc.line);
    const [message, hint] =
      comma !== undefined
        ? (['trailing comma', 'JSON allows no comma after the last item; remove it'] as const)
        : explain(e.error, text, e.offset);
    problems.error(loc, `invalid JSON: ${message}`, hint);
  }
}

function explain(code: ParseErrorCode, text: string, offset: number): readonly [string, string] {
  switch (code) {
    case ParseErrorCode.InvalidCommentToken:
      return [
        'comment',
        'JSON has no comments; remove it, or move the note into a "description" field',
      ];
    case ParseErrorCode.CommaExpected:
      return ['expected a comma', 'add a comma after the previous value'];
    case ParseErrorCode.CloseBraceExpected:
    case ParseErrorCode.CloseBracketExpected:
      return offset >= text.trimEnd().length
        ? [
            'the file ends before the JSON is complete',
            'the file looks truncated; close every "{" and "[" that is opened',
          ]
        : [
            code === ParseErrorCode.CloseBraceExpected ? 'expected "}"' : 'expected "]"',
            'close the object or array, or add the missing comma',
          ];
    case ParseErrorCode.ValueExpected:
      return offset >= text.trimEnd().length
        ? [
            'the file ends before the JSON is complete',
            'the file looks truncated; complete the value',
          ]
        : [
            'expected a value',
            'write a string in double quotes, a number, true, false, null, an object or an array',
          ];
    case ParseErrorCode.PropertyNameExpected:
      return ['expected a property name in double quotes', 'write keys as "key": value'];
    case ParseErrorCode.InvalidSymbol:
      return [
        'unexpected symbol',
        'strings need double quotes; NaN, undefined and single quotes are not JSON',
      ];
    case ParseErrorCode.EndOfFileExpected:
      return [
        'unexpected content after the top-level value',
        'the file must hold exactly one JSON object',
      ];
    default:
      return [printParseErrorCode(code), 'fix the JSON syntax at this position'];
  }
}

/** If the token at `offset` closes an object/array right after a comma, that comma's offset. */
function trailingComma(text: string, offset: number): number | undefined {
  const ch = text[offset];
  if (ch !== '}' && ch !== ']') return undefined;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i] ?? '')) i--;
  return text[i] === ',' ? i : undefined;
}
