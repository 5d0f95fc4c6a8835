import { describe, expect, it } from 'vitest';
import { isValidTraceparent, newTraceparent } from '../../../proxy/server/trace-context.js';

describe('traceparent', () => {
  it('accepts valid version-00 values and future versions with more fields', () => {
    expect(isValidTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      true,
    );
    expect(
      isValidTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra'),
    ).toBe(true);
  });

  it('rejects zero ids, version ff, upper case, extra fields on 00 and garbage', () => {
    for (const bad of [
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x',
      'not a traceparent',
    ]) {
      expect(isValidTraceparent(bad)).toBe(false);
    }
  });

  it('makes fresh, valid, sampled values that differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const value = newTraceparent();
      expect(value).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(isValidTraceparent(value)).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(1000);
  });
});
