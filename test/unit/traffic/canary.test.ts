import { describe, expect, it } from 'vitest';
import {
  canariesIn,
  makeCanaries,
  maskCanaries,
  usesCanaryPlaceholder,
} from '../../../sandbox/traffic/canary.js';
import { fillText, prepare } from '../../../sandbox/traffic/journeys.js';
import { newPlanting, plantRequest, stringFields } from '../../../sandbox/traffic/plant.js';

const c = makeCanaries('0a1b2c3d4e');

describe('synthetic PHI (canaries)', () => {
  it('fills {patient_name}, {mrn}, {birth_date}, {phone} and {email} in paths, headers and bodies', () => {
    const req = prepare(
      {
        method: 'POST',
        path: '/notes?who={patient_name}&mrn={mrn}',
        headers: { 'x-dob': '{birth_date}' },
        body: { text: '{phone} {email}' },
        expect: [201],
      },
      { run: 'r', seq: 1, canaries: c },
    );
    expect(req.path).toBe(`/notes?who=${c.patient_name}&mrn=${c.mrn}`);
    expect(req.headers['x-dob']).toBe(c.birth_date);
    expect(JSON.parse(req.body!.toString())).toEqual({ text: `${c.phone} ${c.email}` });
    // Without canaries (plain chaos traffic before this change) the text is left alone.
    expect(fillText('{mrn}', { run: 'r', seq: 1 })).toBe('{mrn}');
  });

  it('finds each canary as sent, URL-encoded or escaped, and masks it in the evidence', () => {
    const line = `GET /x?email=${encodeURIComponent(c.email)} phone=${c.phone.replace('+', '%2B')}`;
    expect(canariesIn(line, c).sort()).toEqual(['email', 'phone']);
    const masked = maskCanaries(`{"name":"${c.patient_name}"}`, c);
    expect(masked).not.toContain(c.patient_name);
    expect(masked).toContain('[patient_name]');
    expect(canariesIn('2026-12-07T18:00:00Z GET /health 200', c)).toEqual([]);
  });

  it('knows a journey that carries canaries from one that does not', () => {
    expect(usesCanaryPlaceholder([{ body: { a: ['x {mrn}'] } }])).toBe(true);
    expect(usesCanaryPlaceholder([{ path: '/items/{id}' }])).toBe(false);
  });

  it('plants a query parameter and a header on every request, and only the listed body fields', () => {
    const p = newPlanting();
    p.bodies.set('create', ['/text']);
    const body = Buffer.from(JSON.stringify({ title: 'k-1', text: 'hello' }));
    const r = plantRequest(
      { path: '/notes?a=1', headers: {} as Record<string, string>, body },
      'create',
      c,
      p,
    );
    expect(r.path).toBe(`/notes?a=1&name=${c.patient_name}`);
    expect(r.headers?.['x-patient']).toContain(c.mrn);
    expect(JSON.parse(r.body!.toString())).toEqual({
      title: 'k-1',
      text: `hello ${c.patient_name}`,
    });
    const other = plantRequest({ path: '/x', body }, 'read', c, p);
    expect(other.body).toBe(body);
    // The write's key stays as it is: the ledger finds the write by it.
    expect(stringFields({ title: 'k-1', tags: ['a'], n: 1 }, 'k-1')).toEqual(['/tags/0']);
  });
});
