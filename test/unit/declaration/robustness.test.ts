import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import { ValidationError } from '../../../sandbox/errors.js';
import { examplesDir, fixturesDir, scratch } from './helpers.js';

const REPLACEMENTS: unknown[] = [null, 0, -1, 1.5, 'x', '', true, [], {}, [1], { a: 1 }];

/** Every (pointer tokens) path in a JSON value, the root excluded. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const children: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  return children.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function replaced(doc: unknown, at: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = at[at.length - 1];
  if (last !== undefined) node[last] = value;
  return copy;
}

/** Loads and returns how it ended: 'ok', 'invalid', or the unexpected error itself. */
async function outcome(dir: string, overlay?: string): Promise<string | unknown> {
  try {
    await loadDeclaration({
      file: 'marketplace.json',
      cwd: dir,
      ...(overlay ? { overlayFile: overlay } : {}),
    });
    return 'ok';
  } catch (e) {
    if (e instanceof ValidationError && e.problems.every((p) => p.hint && p.location.line >= 1))
      return 'invalid';
    return e;
  }
}

describe('robustness: any wrong value ends as a ValidationError, never a crash', () => {
  it('every node of the CDS Hooks example replaced by every kind of value', async () => {
    const doc = JSON.parse(
      await readFile(path.join(examplesDir, 'cds-hooks.product.build.json'), 'utf8'),
    ) as unknown;
    const unexpected: string[] = [];
    const dir = await scratch({});
    for (const at of paths(doc).filter((p) => p[0] !== 'provenance')) {
      for (const value of REPLACEMENTS) {
        await writeFile(
          path.join(dir, 'marketplace.json'),
          JSON.stringify(replaced(doc, at, value), null, 2),
        );
        const result = await outcome(dir);
        if (result !== 'ok' && result !== 'invalid')
          unexpected.push(`/${at.join('/')} = ${JSON.stringify(value)}: ${String(result)}`);
      }
    }
    expect(unexpected).toEqual([]);
  }, 60_000);

  it('every node of a full overlay replaced by every kind of value', async () => {
    const fixture = path.join(fixturesDir, 'full-overlay');
    const doc = parse(await readFile(path.join(fixture, 'rehearsal.yaml'), 'utf8')) as unknown;
    const dir = await scratch({
      'marketplace.json': await readFile(path.join(fixture, 'marketplace.json')),
    });
    const unexpected: string[] = [];
    for (const at of paths(doc)) {
      for (const value of REPLACEMENTS) {
        await writeFile(path.join(dir, 'overlay.yaml'), stringify(replaced(doc, at, value)));
        const result = await outcome(dir, 'overlay.yaml');
        if (result !== 'ok' && result !== 'invalid')
          unexpected.push(`/${at.join('/')} = ${JSON.stringify(value)}: ${String(result)}`);
      }
    }
    expect(unexpected).toEqual([]);
  }, 60_000);

  it('every truncation of the SMART example is reported, not thrown', async () => {
    const text = await readFile(path.join(examplesDir, 'smart.product.build.json'), 'utf8');
    const dir = await scratch({});
    const unexpected: string[] = [];
    for (let n = 0; n < text.length; n += 37) {
      await writeFile(path.join(dir, 'marketplace.json'), text.slice(0, n));
      const result = await outcome(dir);
      if (result !== 'invalid') unexpected.push(`${n}: ${String(result)}`);
    }
    expect(unexpected).toEqual([]);
  }, 60_000);
});
