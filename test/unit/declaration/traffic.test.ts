import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../sandbox/errors.js';
import { loadFailure, loadFiles, repoRoot, TWO_TASKS } from './helpers.js';

const own = (text: string) =>
  loadFiles(TWO_TASKS, text).then((l) => ({
    ...l,
    warnings: l.warnings.filter((w) => !w.message.startsWith('official Marketplace schema')),
  }));

describe('traffic: in rehearsal.yaml', () => {
  it('reads journeys, a write with its read-back and check, session, persona and websocket', async () => {
    const { taskOverlays, warnings } = await own(
      [
        'tasks:',
        '  api:',
        '    smoke: { path: /smoke }',
        '    traffic:',
        '      journeys:',
        '        - { name: list, path: "/items?tag={run}", weight: 3 }',
        '        - name: create',
        '          method: POST',
        '          path: /items',
        '          headers: { x-tenant: t1 }',
        '          body: { name: "{key}", n: 1 }',
        '          expect: [201, 200]',
        '          write:',
        '            key: "{run}-{seq}"',
        '            id: /data/id',
        '            read: "/items/{id}"',
        '            verify: { path: "/items?name={key}", count: /total, ids: "/items/*/id" }',
        '      session: false',
        '      persona: { persona: nurse-ben, path: /me, expect: 200, weight: 2 }',
        '      websocket: { path: /ws, sockets: 3, interval_ms: 100 }',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    const api = taskOverlays['patient-api'];
    expect(api?.smokePath).toBe('/smoke');
    expect(api?.traffic).toEqual({
      journeys: [
        { name: 'list', method: 'GET', path: '/items?tag={run}', expect: [200], weight: 3 },
        {
          name: 'create',
          method: 'POST',
          path: '/items',
          headers: { 'x-tenant': 't1' },
          body: { name: '{key}', n: 1 },
          expect: [201, 200],
          weight: 1,
          write: {
            key: '{run}-{seq}',
            id: '/data/id',
            read: { method: 'GET', path: '/items/{id}', expect: [200], weight: 1 },
            verify: { path: '/items?name={key}', count: '/total', ids: '/items/*/id' },
          },
        },
      ],
      session: false,
      persona: { persona: 'nurse-ben', method: 'GET', path: '/me', expect: [200], weight: 2 },
      websocket: { path: '/ws', sockets: 3, intervalMs: 100 },
    });
  });

  it("the README's example is valid as it stands", async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('#### Traffic journeys'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(example).toMatch(/^traffic:/);
    const { warnings, taskOverlays } = await own(example);
    expect(warnings).toEqual([]);
    expect(taskOverlays['patient-api']?.traffic?.journeys?.map((j) => j.name)).toEqual([
      'list',
      'create',
    ]);
  });

  it('top-level traffic applies to every task as a default', async () => {
    const { taskOverlays } = await own('traffic: { websocket: { path: /socket } }\n');
    expect(taskOverlays['patient-api']?.traffic?.websocket).toMatchObject({ path: '/socket' });
  });

  it('warns about an unknown field, at its line, naming the known ones', async () => {
    const { warnings } = await own(
      'traffic:\n  journeys:\n    - { name: a, path: /a, wieght: 2 }\n',
    );
    expect(warnings.map((w) => [w.location.line, w.location.pointer])).toEqual([
      [3, '/traffic/journeys/0/wieght'],
    ]);
    expect(warnings[0]?.hint).toMatch(/weight/);
  });

  it.each([
    [
      'a path without "/"',
      'traffic:\n  journeys:\n    - { name: a, path: items }\n',
      '3:24 at /traffic/journeys/0/path',
      /does not match \^\/\. Hint: start the path with "\/"/,
    ],
    [
      'a missing path',
      'traffic:\n  journeys:\n    - { name: a }\n',
      '3:7 at /traffic/journeys/0',
      /has no "path"\. Hint: write a mapping, e.g\./,
    ],
    [
      'an unknown method',
      'traffic:\n  journeys:\n    - { name: a, path: /a, method: FETCH }\n',
      '3:36 at /traffic/journeys/0/method',
      /expected one of GET, HEAD, POST/,
    ],
    [
      'a status out of range',
      'traffic:\n  journeys:\n    - { name: a, path: /a, expect: [200, 999] }\n',
      '3:42 at /traffic/journeys/0/expect/1',
      /must be at most 599\. Hint: write an HTTP status/,
    ],
    [
      'a write key that is not unique per write',
      'traffic:\n  journeys:\n    - name: c\n      method: POST\n      path: /c\n      write: { key: "{run}", id: /id, read: "/c/{id}" }\n',
      '6:21 at /traffic/journeys/0/write/key',
      /Hint: make the key unique per write with \{seq\}/,
    ],
    [
      'a write without its read-back',
      'traffic:\n  journeys:\n    - name: c\n      path: /c\n      write: { key: "{seq}", id: /id }\n',
      '5:14 at /traffic/journeys/0/write',
      /has no "read"/,
    ],
    [
      'an id that is not a JSON pointer',
      'traffic:\n  journeys:\n    - name: c\n      path: /c\n      write: { key: "{seq}", id: id, read: "/c/{id}" }\n',
      '5:34 at /traffic/journeys/0/write/id',
      /Hint: write a JSON pointer into the answer, e\.g\. \/id/,
    ],
    [
      'true where only false turns a journey off',
      'traffic:\n  session: true\n',
      '2:12 at /traffic/session',
      /only false is allowed.*Hint: write false to turn it off/,
    ],
    [
      '{id} outside a read-back',
      'traffic:\n  journeys:\n    - { name: a, path: "/a/{id}" }\n',
      '3:24 at /traffic/journeys/0/path',
      /uses the placeholder \{id\}, which is not filled here\. Hint: use \{run\} .*\{seq\}/,
    ],
    [
      'an unknown placeholder in a body',
      'traffic:\n  journeys:\n    - name: c\n      path: /c\n      body: { a: "{when}" }\n',
      '5:18 at /traffic/journeys/0/body/a',
      /placeholder \{when\}/,
    ],
    [
      'two journeys of one name',
      'traffic:\n  journeys:\n    - { name: a, path: /a }\n    - { name: a, path: /b }\n',
      '4:15 at /traffic/journeys/1/name',
      /"a" is used twice \(first at traffic\.journeys\.0\)\. Hint: give each journey its own name/,
    ],
    [
      'a websocket with too many sockets',
      'traffic:\n  websocket: { path: /ws, sockets: 500 }\n',
      '2:36 at /traffic/websocket/sockets',
      /must be at most 50/,
    ],
  ])('rejects %s with file:line:col, pointer and hint', async (_what, yaml, where, message) => {
    const e = await loadFailure(TWO_TASKS, yaml);
    const first = e.problems.find((p) => p.severity === 'error')!;
    const text = formatProblem(first);
    expect(text).toContain(`rehearsal.yaml:${where}: `);
    expect(text).toMatch(message);
  });
});
