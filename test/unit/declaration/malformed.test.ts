import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../sandbox/errors.js';
import { MALFORMED_CASES } from '../../fixtures/declarations/malformed-cases.js';
import { loadFailure } from './helpers.js';

describe('malformed declarations and overlays', () => {
  it('has at least 35 cases', () => {
    expect(MALFORMED_CASES.length).toBeGreaterThanOrEqual(35);
  });

  it.each(MALFORMED_CASES)('$name', async (c) => {
    const err = await loadFailure(c.json, c.yaml);
    const first = err.problems.find((p) => p.severity === 'error');
    expect(first, 'an error problem').toBeDefined();
    if (!first) return;
    expect(
      first.location.file.endsWith(c.in === 'json' ? 'marketplace.json' : 'rehearsal.yaml'),
    ).toBe(true);
    expect({ line: first.location.line, pointer: first.location.pointer }).toEqual({
      line: c.line,
      pointer: c.pointer,
    });
    expect(first.location.column).toBeGreaterThanOrEqual(1);
    expect(first.hint?.trim()).toBeTruthy();
    expect(err.location).toEqual(first.location);

    const text = formatProblem(first);
    expect(text).not.toMatch(/\n/);
    expect(text).not.toMatch(/at Object\.|\n\s+at |node_modules|Error:/);
    expect(text).toContain(`:${c.line}:`);
    expect(err.message).not.toMatch(/\n\s+at /);
  });
});
