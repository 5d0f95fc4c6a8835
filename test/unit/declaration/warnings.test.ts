import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../sandbox/errors.js';
import { GOOD_BODY, loadFiles, oneTask, TWO_TASKS } from './helpers.js';

const id = `      "id": "api",\n      "label": "API",\n`;
const own = (warnings: Problem[]) =>
  warnings.filter((w) => !w.message.startsWith('official Marketplace schema'));

describe('warnings: the load succeeds and says where', () => {
  it('unknown task field, with its line', async () => {
    const { warnings } = await loadFiles(oneTask(`${id}      "replicas": 2`));
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/unknown field "replicas" in a task/),
        location: expect.objectContaining({
          line: 11,
          pointer: '/configuration/0/task/0/replicas',
        }),
      }),
    ]);
  });

  it('unknown environment variable field, while "pattern" is known', async () => {
    const { warnings, declaration } = await loadFiles(
      oneTask(
        `${id}      "environment": [{\n        "key": "A",\n        "description": "a",\n        "pattern": "^x$",\n        "secret": true\n      }]`,
      ),
    );
    expect(own(warnings).map((w) => [w.location.line, w.location.pointer])).toEqual([
      [15, '/configuration/0/task/0/environment/0/secret'],
    ]);
    expect(declaration.tasks[0]?.environment[0]?.pattern).toBe('^x$');
  });

  it('unknown overlay fields at the top level, in a task entry and in a nested mapping', async () => {
    const { warnings } = await loadFiles(
      TWO_TASKS,
      'profile: hspc-2016\nreplica: 2\ntasks:\n  api:\n    helth: {}\n    health:\n      paht: /x\n',
    );
    expect(
      own(warnings).map((w) => [
        w.location.line,
        w.location.pointer,
        w.location.file.endsWith('rehearsal.yaml'),
      ]),
    ).toEqual([
      [2, '/replica', true],
      [5, '/tasks/api/helth', true],
      [7, '/tasks/api/health/paht', true],
    ]);
    expect(own(warnings).map((w) => /^did you mean "(\w+)"\?/.exec(w.hint ?? '')?.[1])).toEqual([
      'replicas',
      'health',
      'path',
    ]);
  });

  it('an unknown overlay field with no close spelling gets the list, no guess', async () => {
    const { warnings } = await loadFiles(TWO_TASKS, 'flavour: vanilla\n');
    expect(own(warnings)[0]?.hint).toMatch(/^known fields here are .*profile/);
  });

  it('overlay env of a variable the task does not declare', async () => {
    const { warnings, taskOverlays } = await loadFiles(
      TWO_TASKS,
      'tasks:\n  api:\n    env:\n      EXTRA: "1"\n',
    );
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/EXTRA: task patient-api declares no variable/),
        location: expect.objectContaining({ line: 4 }),
      }),
    ]);
    expect(taskOverlays['patient-api']?.env).toEqual({ EXTRA: '1' });
  });

  it('sso: true is accepted silently', async () => {
    const { warnings } = await loadFiles(
      TWO_TASKS,
      'sso: true\ntasks:\n  worker:\n    sso: false\n',
    );
    expect(own(warnings)).toEqual([]);
  });

  it('duplicate JSON key: the last value wins', async () => {
    const { warnings, declaration } = await loadFiles(
      oneTask(`${id}      "ports": [80],\n      "ports": [8080]`),
    );
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/duplicate key "ports"/),
        location: expect.objectContaining({ line: 12, pointer: '/configuration/0/task/0/ports' }),
      }),
    ]);
    expect(declaration.tasks[0]?.ports).toEqual([8080]);
  });

  it('lower-case env key under hspc-2016', async () => {
    const { warnings } = await loadFiles(
      oneTask(`${id}      "environment": [{ "key": "log_level", "description": "x" }]`),
    );
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/hl7-hsp-r2 forbids/),
        hint: 'rename it to LOG_LEVEL',
        location: expect.objectContaining({ line: 11 }),
      }),
    ]);
  });

  it('missing product name falls back to the directory name', async () => {
    const json = oneTask(GOOD_BODY).replace('"facts": { "name": "Demo" },', '"facts": {},');
    const { warnings, declaration } = await loadFiles(json);
    expect(declaration.product.name).toMatch(/^rehearsal-decl-/);
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/no product name/),
        location: expect.objectContaining({ line: 3, pointer: '/product/facts/name' }),
      }),
    ]);
  });

  it('several default configurations: the first is used', async () => {
    const json =
      '{\n  "product": { "build": { "binary": { "image": "a" } }, "facts": { "name": "x" } },\n  "configuration": [\n    { "default": false, "task": [{ "id": "a", "label": "A" }] },\n    { "default": true, "task": [{ "id": "b", "label": "B" }] },\n    { "default": true, "task": [{ "id": "c", "label": "C" }] }\n  ]\n}\n';
    const { warnings, declaration } = await loadFiles(json);
    expect(declaration.configurationIndex).toBe(1);
    expect(declaration.tasks.map((t) => t.id)).toEqual(['b']);
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/2 configurations are marked default/),
        location: expect.objectContaining({ line: 6 }),
      }),
    ]);
  });

  it('overlay "configuration: N" picks another configuration', async () => {
    const json =
      '{\n  "product": { "build": { "binary": { "image": "a" } }, "facts": { "name": "x" } },\n  "configuration": [\n    { "default": true, "task": [{ "id": "a", "label": "A" }] },\n    { "default": false, "task": [{ "id": "b", "label": "B" }] }\n  ]\n}\n';
    const { declaration } = await loadFiles(json, 'configuration: 1\n');
    expect(declaration.configurationIndex).toBe(1);
    expect(declaration.tasks.map((t) => t.name)).toEqual(['b']);
  });

  it('an invalid "pattern" is reported, not thrown', async () => {
    const { warnings } = await loadFiles(
      oneTask(`${id}      "environment": [{ "key": "A", "description": "a", "pattern": "([" }]`),
    );
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/not a valid regular expression/),
        location: expect.objectContaining({ line: 11 }),
      }),
    ]);
  });

  it('both "configuration" and "tasks": tasks are ignored', async () => {
    const json = oneTask(GOOD_BODY).replace(
      '  "configuration": [{',
      '  "tasks": [],\n  "configuration": [{',
    );
    const { warnings } = await loadFiles(json);
    expect(own(warnings)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/"tasks" is ignored/),
        location: expect.objectContaining({ line: 6, pointer: '/tasks' }),
      }),
    ]);
  });

  it('the official schema is summarised per object, never an error', async () => {
    const { warnings } = await loadFiles(oneTask(GOOD_BODY));
    const official = warnings.filter((w) => w.message.startsWith('official Marketplace schema'));
    expect(official.length).toBeGreaterThan(0);
    expect(official.find((w) => w.location.pointer === '')?.message).toMatch(
      /missing "marketplace_url", .*"provenance"/,
    );
  });
});
