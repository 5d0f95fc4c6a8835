import { describe, expect, it } from 'vitest';
import {
  fillText,
  hasWrites,
  pointerValues,
  prepare,
  resolveTraffic,
  weightedCycle,
} from '../../../sandbox/traffic/journeys.js';

describe('default journeys', () => {
  it("are the reference service's API for the reference service: writes with read-back, search, its sessions", () => {
    const spec = resolveTraffic(undefined, { reference: true, healthPath: '/health' });
    expect(spec.origin).toBe('reference');
    expect(spec.journeys.map((j) => [j.name, j.method, j.path, j.weight])).toEqual([
      ['create-patient', 'POST', '/Patient', 2],
      ['search', 'GET', '/Patient?name={run}&_count=1', 2],
    ]);
    expect(spec.journeys[0]?.write).toMatchObject({
      key: '{run}-w{seq}-',
      read: { path: '/Patient/{id}', weight: 1 },
      verify: { path: '/Patient?name={key}&_count=5', count: '/total' },
    });
    expect(spec.session).toMatchObject({ uses: 9, weight: 3 });
    expect(spec.persona).toBeUndefined(); // no IdP
    expect(hasWrites(spec)).toBe(true);
  });

  it('add a persona journey (the first persona) when the sandbox has an IdP', () => {
    const spec = resolveTraffic(undefined, {
      reference: true,
      healthPath: '/health',
      personas: ['dr-ada', 'nurse-ben'],
    });
    expect(spec.persona).toMatchObject({ persona: 'dr-ada', path: '/me', expect: [200] });
  });

  it('read the health and smoke paths of any other service, and write nothing', () => {
    const spec = resolveTraffic(undefined, {
      reference: false,
      healthPath: '/healthz',
      smokePath: '/smoke',
      personas: ['dr-ada'],
    });
    expect(spec.origin).toBe('health');
    expect(spec.journeys.map((j) => [j.name, j.method, j.path])).toEqual([
      ['health', 'GET', '/healthz'],
      ['smoke', 'GET', '/smoke'],
    ]);
    expect(spec.journeys[0]?.expect).toContain(204);
    expect(spec.session ?? spec.persona ?? spec.websocket).toBeUndefined();
    expect(hasWrites(spec)).toBe(false);
  });

  it('give way to declared parts; false turns a default off', () => {
    const spec = resolveTraffic(
      {
        journeys: [{ name: 'list', method: 'GET', path: '/items', expect: [200], weight: 1 }],
        session: false,
        websocket: { path: '/ws', sockets: 1, intervalMs: 100 },
      },
      { reference: true, healthPath: '/health', personas: ['dr-ada'] },
    );
    expect(spec.origin).toBe('declared');
    expect(spec.journeys.map((j) => j.name)).toEqual(['list']);
    expect(spec.session).toBeUndefined();
    expect(spec.persona?.persona).toBe('dr-ada');
    expect(spec.websocket?.path).toBe('/ws');
  });
});

describe('placeholders and pointers', () => {
  it('fill paths URL-encoded and bodies as they are; a JSON body gets its content type', () => {
    const fill = { run: 'rh1', seq: 7, key: 'a b&c' };
    expect(fillText('/x?k={key}&s={seq}&r={run}', fill, true)).toBe('/x?k=a%20b%26c&s=7&r=rh1');
    const req = prepare(
      {
        method: 'POST',
        path: '/items',
        headers: { 'X-Run': '{run}' },
        body: { name: ['{key}-{seq}'], n: 1 },
        expect: [201],
      },
      fill,
    );
    expect(req.headers).toEqual({ 'x-run': 'rh1', 'content-type': 'application/json' });
    expect(JSON.parse(req.body!.toString())).toEqual({ name: ['a b&c-7'], n: 1 });
  });

  it('a "*" token in a pointer stands for every item', () => {
    const doc = { total: 2, entry: [{ resource: { id: 'a' } }, { resource: { id: 'b' } }] };
    expect(pointerValues(doc, '/entry/*/resource/id')).toEqual(['a', 'b']);
    expect(pointerValues(doc, '/total')).toEqual([2]);
    expect(pointerValues(doc, '/missing/x')).toEqual([]);
    expect(pointerValues({ 'a/b': 1 }, '/a~1b')).toEqual([1]);
  });
});

describe('weightedCycle', () => {
  it('sends each entry its weight per cycle, spread out, skipping weight 0', () => {
    const cycle = weightedCycle([
      { item: 'write', weight: 2 },
      { item: 'read', weight: 2 },
      { item: 'readback', weight: 1 },
      { item: 'session', weight: 3 },
      { item: 'off', weight: 0 },
    ]);
    expect(cycle).toHaveLength(8);
    expect(cycle.filter((c) => c === 'session')).toHaveLength(3);
    expect(cycle).not.toContain('off');
    // Never the same journey three times in a row.
    for (let i = 2; i < cycle.length; i++)
      expect(cycle[i] === cycle[i - 1] && cycle[i] === cycle[i - 2]).toBe(false);
  });
});
