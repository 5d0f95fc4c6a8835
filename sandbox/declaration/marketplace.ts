import type { SourceLocation } from '../errors.js';
import type { Declaration, ProfileName, ProductDeclaration, TaskDeclaration } from './types.js';
import { Fields, isObject, type JsonObject } from './fields.js';
import { imageReference } from './image-ref.js';
import { slugify, taskNames } from './names.js';
import { describe, join } from './pointer.js';
import { readTask } from './task.js';

export interface MarketplaceOptions {
  profile: ProfileName;
  /** Product name when `product.facts.name` is missing: the declaration's directory name. */
  fallbackName: string;
  /** The overlay's `configuration: N`, with where it was written. */
  configuration?: { index: number; location: SourceLocation };
}

export type MarketplaceContent = Omit<Declaration, 'file' | 'sha256'>;

/**
 * Reads the parts of a marketplace.json that Rehearsal uses, in either real shape: current
 * (`configuration[]`, each with `default` and `task[]`) or earlier ballot (top-level `tasks[]`).
 * Returns undefined when there is no usable task list (the reason is recorded).
 */
export function readMarketplace(
  doc: unknown,
  fields: Fields,
  options: MarketplaceOptions,
): MarketplaceContent | undefined {
  const { problems, source } = fields;
  if (!isObject(doc)) {
    problems.error(
      source.at(''),
      `the top level must be a JSON object, found ${describe(doc)}`,
      'a marketplace.json is one object: { "product": ..., "configuration": [...] }',
    );
    return undefined;
  }
  const product = readProduct(doc, fields, options.fallbackName);
  const chosen = chooseTaskList(doc, fields, options.configuration);
  if (!chosen) return undefined;

  const tasks = chosen.list.flatMap((t, i) => {
    const ptr = join(chosen.pointer, i);
    const obj = fields.check(t, ptr, `task ${i}`, 'object', {
      expected: 'an object',
      hint: 'write each task as { "id": ..., "label": ..., ... }',
    });
    return obj ? [readTask(obj, ptr, fields, options.profile)] : [];
  });
  giveIds(tasks, fields);
  const names = taskNames(tasks.map((t) => t.label));
  return {
    shape: chosen.shape,
    product,
    configurationIndex: chosen.index,
    tasks: tasks.map((t, i) => ({ ...t, name: names[i] ?? `task-${i + 1}` })),
  };
}

function readProduct(doc: JsonObject, fields: Fields, fallbackName: string): ProductDeclaration {
  const objectSpec = (path: string) => ({
    expected: 'an object',
    hint: `write "${path}" as an object`,
  });
  const product = fields.get(doc, '', 'product', 'object', objectSpec('product'));
  const facts = product && fields.get(product, '/product', 'facts', 'object', objectSpec('facts'));
  const build = product && fields.get(product, '/product', 'build', 'object', objectSpec('build'));
  const binary =
    build && fields.get(build, '/product/build', 'binary', 'object', objectSpec('binary'));
  const str = (obj: JsonObject | undefined, base: string, key: string) =>
    obj &&
    fields.get(obj, base, key, 'string', {
      expected: 'a string',
      hint: `write "${key}" as a string in double quotes`,
    });

  // Empty strings say nothing: treated as absent, so the fallback and the "no image" check apply.
  const nonEmpty = (v: string | undefined) => (v?.trim() === '' ? undefined : v);
  const name = nonEmpty(str(facts, '/product/facts', 'name'));
  if (
    name === undefined &&
    !fields.problems.hasErrorAt(fields.source.file, '/product/facts/name')
  ) {
    fields.problems.warn(
      fields.source.at('/product/facts/name'),
      `no product name; using "${fallbackName}", the directory name`,
      'add "product": { "facts": { "name": "..." } }',
    );
  }
  const uuid = str(product, '/product', 'uuid');
  const image = nonEmpty(str(binary, '/product/build/binary', 'image'));
  const registry = str(binary, '/product/build/binary', 'registry');
  return {
    name: name ?? fallbackName,
    ...(uuid !== undefined ? { uuid } : {}),
    ...(image !== undefined ? { image: imageReference(image, registry) } : {}),
    ...(registry !== undefined ? { registry } : {}),
  };
}

interface TaskList {
  shape: 'configuration' | 'tasks';
  index: number;
  pointer: string;
  list: unknown[];
}

function chooseTaskList(
  doc: JsonObject,
  fields: Fields,
  pick: MarketplaceOptions['configuration'],
): TaskList | undefined {
  const { problems } = fields;
  const at = (p: string) => fields.source.at(p);
  const nonEmpty = (list: unknown[] | undefined, pointer: string, what: string) => {
    if (list && list.length === 0)
      problems.error(
        at(pointer),
        `${what} is empty`,
        'declare at least one task: { "id": ..., "label": ..., "ports": [...] }',
      );
    return list && list.length > 0 ? list : undefined;
  };
  const outOfRange = (count: number) => {
    if (pick && pick.index >= count) {
      problems.error(
        pick.location,
        `configuration ${pick.index} does not exist; the declaration has ${count} configuration(s)`,
        `use an index from 0 to ${count - 1}, or remove "configuration"`,
      );
      return true;
    }
    return false;
  };

  if (Object.hasOwn(doc, 'configuration')) {
    if (Object.hasOwn(doc, 'tasks'))
      problems.warn(
        fields.source.keyAt('/tasks'),
        'both "configuration" and the earlier-ballot "tasks" are present; "tasks" is ignored',
        'remove the top-level "tasks"',
      );
    const configs = nonEmpty(
      fields.get(doc, '', 'configuration', 'array', {
        expected: 'an array of configurations',
        hint: 'write "configuration": [{ "default": true, "task": [...] }]',
      }),
      '/configuration',
      '"configuration"',
    );
    if (!configs) return undefined;
    const defaults: number[] = [];
    configs.forEach((c, i) => {
      const obj = fields.check(c, join('/configuration', i), `configuration ${i}`, 'object', {
        expected: 'an object with "default" and "task"',
        hint: 'write { "default": true, "task": [...] }',
      });
      const isDefault =
        obj &&
        fields.get(obj, join('/configuration', i), 'default', 'boolean', {
          expected: 'true or false',
          hint: 'write true or false without quotes',
        });
      if (isDefault) defaults.push(i);
    });
    if (defaults.length > 1)
      problems.warn(
        at(join('/configuration', defaults[1] ?? 0, 'default')),
        `${defaults.length} configurations are marked default; the first (${defaults[0]}) is used`,
        'mark only one configuration "default": true',
      );
    if (outOfRange(configs.length)) return undefined;
    const index = pick?.index ?? defaults[0] ?? 0;
    const config = configs[index];
    if (!isObject(config)) return undefined;
    const base = join('/configuration', index);
    const list = nonEmpty(
      fields.get(config, base, 'task', 'array', {
        expected: 'an array of tasks',
        hint: 'write "task": [{ "id": ..., "label": ... }]',
        requiredHint: 'add "task": [...] listing the tasks to run',
      }),
      join(base, 'task'),
      '"task"',
    );
    return list && { shape: 'configuration', index, pointer: join(base, 'task'), list };
  }
  if (Object.hasOwn(doc, 'tasks')) {
    const list = nonEmpty(
      fields.get(doc, '', 'tasks', 'array', {
        expected: 'an array of tasks',
        hint: 'write "tasks": [{ "id": ..., "label": ... }]',
      }),
      '/tasks',
      '"tasks"',
    );
    if (!list || outOfRange(1)) return undefined;
    return { shape: 'tasks', index: 0, pointer: '/tasks', list };
  }
  problems.error(
    at('/configuration'),
    'no tasks: the file has neither "configuration" nor the earlier-ballot "tasks"',
    'add "configuration": [{ "default": true, "task": [{ "id": ..., "label": ... }] }]',
  );
  return undefined;
}

/**
 * Each task without an `id` gets the slug of its label (earlier-ballot files have none); ids
 * must be unique, and two tasks without ids whose labels give one slug are named, both lines.
 */
function giveIds(tasks: TaskDeclaration[], fields: Fields): void {
  const { problems, source } = fields;
  const taken = new Map<string, TaskDeclaration>();
  tasks.forEach((t, i) => {
    if (t.idFromLabel && t.label.trim() !== '') t.id = slugify(t.label) || `task-${i + 1}`;
  });
  for (const t of tasks) {
    if (t.id === '') continue;
    const first = taken.get(t.id);
    if (!first) {
      taken.set(t.id, t);
      continue;
    }
    if (!t.idFromLabel && !first.idFromLabel) {
      problems.error(
        source.at(join(t.location.pointer, 'id')),
        `task id "${t.id}" is used twice (lines ${first.location.line} and ${t.location.line})`,
        'give every task its own id',
      );
      continue;
    }
    const both = [first, t]
      .map(
        (x) =>
          `"${x.label}" at line ${x.location.line}${x.idFromLabel ? ' (no id)' : ` (id "${x.id}")`}`,
      )
      .join(' and ');
    problems.error(
      source.at(t.location.pointer),
      `two tasks would have the id "${t.id}": ${both}`,
      `give one of them its own "id", e.g. "id": "${t.id}-2", or another label`,
    );
  }
}
