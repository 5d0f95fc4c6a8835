import { describe, expect, it } from 'vitest';
import { loadPersonas, parsePersonas, PersonaFileError } from '../../../idp/personas.js';
import { templatePath } from '../../../sandbox/version.js';

const fail = (text: string): PersonaFileError => {
  try {
    parsePersonas(text, 'personas.yaml');
  } catch (err) {
    if (err instanceof PersonaFileError) return err;
    throw err;
  }
  throw new Error('parsed without an error');
};

describe('persona files', () => {
  it('reads the default personas: clinicians, an administrator and a patient, all synthetic', () => {
    const personas = loadPersonas(templatePath('idp', 'personas.yaml'));
    expect(personas.map((p) => p.id)).toEqual(['dr-ada', 'nurse-ben', 'admin-cho', 'patient-dee']);
    expect(personas.every((p) => p.email.endsWith('@example.test'))).toBe(true);
    expect(personas[0]).toMatchObject({ groups: ['clinicians'], claims: { role: 'clinician' } });
  });

  it('names the line and column of a persona without an id', () => {
    const e = fail(
      'personas:\n  - id: a\n    name: A\n    email: a@example.test\n  - name: B\n    email: b@example.test\n',
    );
    expect([e.line, e.column]).toEqual([5, 5]);
    expect(e.message).toBe('personas.yaml:5:5: persona lacks `id`');
  });

  it('points at a duplicate id, a bad e-mail, wrong groups and a reserved claim', () => {
    const base = 'personas:\n  - { id: a, name: A, email: a@example.test }\n';
    expect(fail(`${base}  - { id: a, name: B, email: b@example.test }\n`).message).toMatch(
      /:3:\d+: id "a" is used by two personas/,
    );
    expect(fail('personas:\n  - id: a\n    name: A\n    email: nope\n').message).toMatch(
      /:4:12: email "nope" is not an e-mail address/,
    );
    expect(
      fail('personas:\n  - id: a\n    name: A\n    email: a@x.test\n    groups: clinicians\n').line,
    ).toBe(5);
    expect(
      fail('personas:\n  - id: a\n    name: A\n    email: a@x.test\n    claims: { sub: x }\n')
        .message,
    ).toMatch(/:5:15: "sub" is set by the provider/);
  });

  it('reports YAML syntax errors and a missing list at their line', () => {
    expect(fail('personas:\n  - id: [a\n').line).toBeGreaterThanOrEqual(2);
    expect(fail('people: []\n').message).toMatch(/:1:1: `personas` must be a non-empty list/);
  });
});

describe('the provider configured by its environment', () => {
  it('takes the issuer (without a trailing slash) and refuses a plain-HTTP one', async () => {
    const { idpConfigFromEnv } = await import('../../../idp/config.js');
    expect(
      idpConfigFromEnv({ REHEARSAL_IDP_ISSUER: 'https://idp.example.test:8443/' }),
    ).toMatchObject({
      issuer: 'https://idp.example.test:8443',
      clients: [],
      listen: 9000,
    });
    expect(() => idpConfigFromEnv({ REHEARSAL_IDP_ISSUER: 'http://idp' })).toThrow(/https origin/);
  });
});
