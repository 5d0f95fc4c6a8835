import { describe, expect, it } from 'vitest';
import { reportError } from '../../../cli/exit.js';
import { format } from '../../../cli/plain-reporter.js';
import { AbortedError, BugError, UserError, ValidationError } from '../../../sandbox/errors.js';

function run(err: unknown, verbose = false): { code: number; text: string } {
  let text = '';
  const code = reportError(err, verbose, (s) => (text += s));
  return { code, text };
}

describe('reportError', () => {
  it('prints a user error with its hint and no stack, exit 2', () => {
    const { code, text } = run(new UserError('no engine', { hint: 'start it' }));
    expect(code).toBe(2);
    expect(text).toBe('\nError: no engine\nHint: start it\n');
  });

  it('lists every validation problem with its location', () => {
    const loc = { file: 'm.json', line: 3, column: 5, pointer: '/a' };
    const { code, text } = run(
      new ValidationError([{ severity: 'error', message: 'bad', hint: 'fix', location: loc }]),
    );
    expect(code).toBe(2);
    expect(text).toContain('m.json:3:5 at /a: bad. Hint: fix');
  });

  it('maps interruption to 130 and bugs to 2 with a stack only under --verbose', () => {
    expect(run(new AbortedError()).code).toBe(130);
    expect(run(new BugError('oops')).text).not.toMatch(/\n\s+at /);
    expect(run(new BugError('oops'), true).text).toContain('BugError');
  });
});

describe('plain reporter', () => {
  it('formats scale plans naming the replicas that go, newest first', () => {
    expect(
      format(
        {
          type: 'scale.planned',
          service: 'api',
          from: 3,
          to: 2,
          adding: [],
          removing: ['s-api-3'],
        },
        false,
      ),
    ).toBe('Scaling api 3 → 2; removing newest first: s-api-3');
  });
});
