import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../sandbox/declaration/index.js';

describe('parseCron', () => {
  it.each([
    ['0 0 * * *', '0 0 * * *'],
    ['*/15 9-17 * * MON-FRI', '*/15 9-17 * * MON-FRI'],
    ['0,30 0 1,15 JAN,jul 0', '0,30 0 1,15 JAN,jul 0'],
    ['  5   4 * * 7 ', '5 4 * * 7'],
  ])('accepts "%s"', (input, expression) => {
    expect(parseCron(input)).toEqual({ ok: true, expression });
  });

  it.each([
    ['At 00:00', '0 0 * * *'],
    ['at 7:05', '5 7 * * *'],
    ['At 23:59', '59 23 * * *'],
    ['@daily', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
  ])('normalises "%s"', (input, expression) => {
    expect(parseCron(input)).toEqual({ ok: true, expression, normalisedFrom: input });
  });

  it.each([
    '',
    'every day',
    '* * * *',
    '* * * * * *',
    '60 * * * *',
    '* 24 * * *',
    '* * 0 * *',
    '* * * 13 *',
    '* * * * 8',
    '*/0 * * * *',
    '5-1 * * * *',
    '* * * FOO *',
    'At 24:00',
    'At 12:60',
    '1.5 * * * *',
  ])('rejects "%s" with a reason', (input) => {
    const result = parseCron(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBeTruthy();
  });
});
