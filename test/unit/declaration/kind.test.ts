import { describe, expect, it } from 'vitest';
import { decideKind } from '../../../sandbox/declaration/kind.js';

const task = (t: {
  label?: string;
  ports?: readonly number[];
  options?: readonly string[];
  cron?: string;
}) => ({
  label: t.label ?? 'Task',
  ports: [...(t.ports ?? [])],
  options: [...(t.options ?? [])],
  ...(t.cron !== undefined ? { cron: t.cron } : {}),
});

describe('a task kind, decided in one place from the fields present', () => {
  it.each([
    [{ cron: '0 0 * * *', ports: [80] }, 'cron', 'it declares the schedule "0 0 * * *"'],
    [{ ports: [8080, 9090] }, 'web', 'it declares ports 8080, 9090'],
    [
      { label: 'Loading Content', options: ['https://example.org/bundle.json'] },
      'initialization',
      'it declares no ports and its options name a URL to fetch',
    ],
    [
      { label: 'Schema Migration' },
      'initialization',
      'it declares no ports and its label says "Migration"',
    ],
    [
      { label: 'Seed the database' },
      'initialization',
      'it declares no ports and its label says "Seed"',
    ],
    [{ label: 'Logging', options: ['level=info'] }, 'worker', 'it declares no ports'],
    [{ label: 'Session Expiry' }, 'worker', 'it declares no ports'],
  ] as const)('%o → %s', (fields, kind, reason) => {
    expect(decideKind(task(fields))).toEqual({ kind, reason });
  });

  it('kind: in rehearsal.yaml wins over the fields', () => {
    expect(decideKind(task({ label: 'Loader' }), 'worker')).toEqual({
      kind: 'worker',
      reason: 'rehearsal.yaml says kind: worker',
    });
  });
});
