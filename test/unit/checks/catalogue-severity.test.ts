import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../../sandbox/checks/catalogue.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * The catalogue's severities against the text of the requirements document: a requirement under
 * "All service implementations MUST be" or "Services MUST NOT be" is MUST, one under "Services
 * are encouraged to be" is SHOULD — unless the clause the catalogue quotes carries its own
 * SHOULD in its first sentence (Health & Traceability, "SHOULD log to standard out"). The
 * repository is cloned with ../shared beside it; in CI a missing document is a failure.
 */
const DOCUMENT = join(ROOT, '..', 'shared', 'service-packaging-requirements.txt');
const present = existsSync(DOCUMENT);
if (!present && process.env.CI === 'true')
  throw new Error(`${DOCUMENT} is missing: CI clones ../shared beside the repository`);

// Markdown links in the document read as their text.
const squash = (s: string) =>
  s
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();

/** The document's bullets, each with the severity of the list it stands in. */
function bullets(text: string): { text: string; list: 'MUST' | 'SHOULD' }[] {
  const must = text.indexOf('All service implementations MUST be');
  const mustNot = text.indexOf('Services MUST NOT be');
  const encouraged = text.indexOf('Services are encouraged to be');
  expect([must, mustNot, encouraged].every((i) => i >= 0)).toBe(true);
  const items = (from: number, to: number, list: 'MUST' | 'SHOULD') =>
    text
      .slice(from, to)
      .split('•')
      .slice(1)
      .map((b) => ({ text: squash(b), list }));
  return [
    ...items(must, mustNot, 'MUST'),
    ...items(mustNot, encouraged, 'MUST'),
    ...items(encouraged, text.length, 'SHOULD'),
  ];
}

describe.skipIf(!present)('the catalogue against the requirements document', () => {
  const text = present ? readFileSync(DOCUMENT, 'utf8') : '';
  const all = present ? bullets(text) : [];

  it.each(REQUIREMENTS.map((r) => [r.id, r] as const))(
    '%s quotes the document and has its list’s severity',
    (_id, r) => {
      // The quoted words, minus the list heading the catalogue prefixes and its "…" elisions.
      const parts = squash(r.words.replace(/^Services MUST NOT be: /, ''))
        .split('…')
        .map((p) => p.trim().replace(/\s+/g, ' '))
        .filter((p) => p.length > 0);
      const bullet = all.find((b) => parts.every((p) => b.text.includes(p.replace(/\s+$/, ''))));
      expect(bullet, `"${r.words}" is not in one bullet of the document`).toBeDefined();
      const first = parts[0]!.split(/(?<=\.)\s/)[0]!;
      const own = /\bSHOULD\b/.test(first) && !/\bMUST\b/.test(first) ? 'SHOULD' : undefined;
      expect(r.severity).toBe(own ?? bullet!.list);
    },
  );

  it('has a requirement for every bullet of the two MUST lists and of the best practices', () => {
    for (const b of all) {
      const head = b.text.split(/[.:]/)[0]!.replace(/\s*\(.*$/, '');
      expect(
        REQUIREMENTS.some(
          (r) =>
            squash(r.words).includes(head) ||
            head.toLowerCase().startsWith(r.title.toLowerCase().replace(/ \(.*$/, '')),
        ),
        `no requirement quotes "${head}"`,
      ).toBe(true);
    }
  });

  it('makes Single-Process a MUST: it is listed under "MUST be"', () => {
    expect(REQUIREMENTS.find((r) => r.id === 'single-process')?.severity).toBe('MUST');
  });
});
