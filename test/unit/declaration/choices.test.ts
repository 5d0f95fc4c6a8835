import { describe, expect, it } from 'vitest';
import {
  BINDING_SOURCES,
  closest,
  compactChoices,
} from '../../../sandbox/declaration/overlay-schema.js';

describe('a long list of allowed values in an error', () => {
  it('groups dotted choices by their first part and keeps the others as they are', () => {
    expect(compactChoices(['database.url', 'database.host', 'edge.url', 'none'])).toBe(
      'database.{url,host}, edge.url, none',
    );
    expect(compactChoices([...BINDING_SOURCES]).length).toBeLessThan(160);
  });

  it('names the value a typo most likely meant, and none when nothing is close', () => {
    expect(closest('database.uri', [...BINDING_SOURCES])).toBe('database.url');
    expect(closest('Postgres', ['postgres', 'mariadb'])).toBe('postgres');
    expect(closest('oracle', ['postgres', 'mariadb', 'redis'])).toBeUndefined();
  });
});
