import { describe, expect, it } from 'vitest';
import { DNS_LABEL, slugify, taskNames } from '../../../sandbox/declaration/index.js';

describe('task names', () => {
  it.each([
    ['Patient API', 'patient-api'],
    ['  My  SMART -- Application!! ', 'my-smart-application'],
    ['Café Résumé', 'cafe-resume'],
    [
      'Opioid Prescribing Support SMART on FHIR Application',
      'opioid-prescribing-support-smart-on-fhir',
    ],
    [
      'Supercalifragilisticexpialidocious-and-more words here',
      'supercalifragilisticexpialidocious-and',
    ],
    ['a'.repeat(50), 'a'.repeat(40)],
    ['日本語', ''],
  ])('slugify(%j) = %j', (label, slug) => {
    expect(slugify(label)).toBe(slug);
    expect(slug.length).toBeLessThanOrEqual(40);
  });

  it('falls back to task-N and makes names unique', () => {
    expect(taskNames(['API', 'API', '日本語', 'API', ''])).toEqual([
      'api',
      'api-2',
      'task-3',
      'api-3',
      'task-5',
    ]);
  });

  it('keeps a suffixed long name within 40 characters', () => {
    const label = 'word '.repeat(20);
    const [first, second] = taskNames([label, label]);
    expect(first?.length).toBeLessThanOrEqual(40);
    expect(second).toMatch(/-2$/);
    expect(second?.length).toBeLessThanOrEqual(40);
    expect(second).not.toMatch(/--/);
  });

  it('DNS labels', () => {
    expect(DNS_LABEL.test('my-service')).toBe(true);
    expect(DNS_LABEL.test('MyService')).toBe(false);
    expect(DNS_LABEL.test('1service')).toBe(false);
    expect(DNS_LABEL.test(`a${'b'.repeat(40)}`)).toBe(false);
  });
});
