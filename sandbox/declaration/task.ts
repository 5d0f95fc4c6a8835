import type { ProfileName, TaskDeclaration } from './types.js';
import { parseCron } from './cron.js';
import { readEnvironment } from './environment.js';
import { Fields, type JsonObject } from './fields.js';
import { decideKind } from './kind.js';
import { slugify } from './names.js';
import { join } from './pointer.js';

export const TASK_FIELDS = [
  'id',
  'configuration_id',
  'label',
  'memory_minimum',
  'memory_maximum',
  'instances_minimum',
  'instances_maximum',
  'options',
  'ports',
  'cron',
  'environment',
  'image',
] as const;

/**
 * Reads one task object under Rehearsal's own rules (errors for what the sandbox relies on).
 * Returns the task with an empty `name`; names are given once all labels are known. Each field
 * group is read in its own phase, in the order the problems are reported.
 */
export function readTask(
  task: JsonObject,
  ptr: string,
  fields: Fields,
  profile: ProfileName,
): TaskDeclaration {
  fields.unknownFields(task, ptr, TASK_FIELDS, 'a task');
  const { id, label, configurationId } = readNames(task, ptr, fields);
  const image = readImage(task, ptr, fields);
  const { memoryMinimumMiB, memoryMaximumMiB } = readMemory(task, ptr, fields);
  const { instancesMinimum, instancesMaximum } = readInstances(task, ptr, fields);
  const options = readOptions(task, ptr, fields);
  const ports = readPorts(task, ptr, fields);
  const cron = readCronField(task, ptr, fields);
  const envList = fields.get(task, ptr, 'environment', 'array', {
    expected: 'an array of variable objects',
    hint: 'write "environment": [{ "key": "NAME", "description": "..." }]',
  });
  const environment = envList
    ? readEnvironment(envList, join(ptr, 'environment'), fields, profile)
    : [];

  const kind = decideKind({ cron, ports, options, label: label ?? '' });
  return {
    id: id ?? '',
    ...(id === undefined ? { idFromLabel: true as const } : {}),
    label: label ?? '',
    kind: kind.kind,
    kindReason: kind.reason,
    name: '',
    ...(image !== undefined ? { image } : {}),
    ...(configurationId !== undefined ? { configurationId } : {}),
    ...(memoryMinimumMiB !== undefined ? { memoryMinimumMiB } : {}),
    ...(memoryMaximumMiB !== undefined ? { memoryMaximumMiB } : {}),
    instancesMinimum,
    ...(instancesMaximum !== undefined ? { instancesMaximum } : {}),
    options,
    ports,
    ...(cron !== undefined ? { cron } : {}),
    environment,
    location: fields.source.at(ptr),
  };
}

/**
 * `label` (required, non-empty), `id` (optional: a task without one is given the slug of its
 * label once all tasks are read) and `configuration_id`. Hints name the task's own values.
 */
function readNames(task: JsonObject, ptr: string, fields: Fields) {
  const { problems, source } = fields;
  const own = (key: string) => (typeof task[key] === 'string' ? task[key].trim() : '');
  const exampleLabel = own('label') || own('id') || 'Web';
  const exampleId = slugify(exampleLabel) || 'web';
  const text = (key: string, example: string, required: boolean) =>
    fields.get(task, ptr, key, 'string', {
      expected: 'a non-empty string',
      hint: `write it as a string, e.g. "${key}": "${example}"`,
      ...(required ? { requiredHint: `add "${key}": "${example}" to the task` } : {}),
    });
  const id = text('id', exampleId, false);
  const label = text('label', exampleLabel, true);
  for (const [key, value, example] of [
    ['id', id, exampleId],
    ['label', label, exampleLabel],
  ] as const) {
    if (value !== undefined && value.trim() === '')
      problems.error(
        source.at(join(ptr, key)),
        `"${key}" is empty`,
        key === 'id'
          ? `give the task an id, e.g. "id": "${example}", or leave "id" out to use the slug of its label`
          : `give the task a label, e.g. "label": "${example}"`,
      );
  }
  const configurationId = fields.get(task, ptr, 'configuration_id', 'string', {
    expected: 'a string',
    hint: 'write the configuration id as a string',
  });
  return { id, label, configurationId };
}

/** `image`: an earlier ballot may name each task's image; else the product's is used. */
function readImage(task: JsonObject, ptr: string, fields: Fields): string | undefined {
  const image = fields.get(task, ptr, 'image', 'string', {
    expected: 'an image reference',
    hint: 'write the image as a string, e.g. "image": "vendor/app:1.0"',
  });
  return image?.trim() === '' ? undefined : image;
}

/** `memory_minimum` and `memory_maximum` in MiB, each at least 1, the minimum not above the maximum. */
function readMemory(task: JsonObject, ptr: string, fields: Fields) {
  const { problems, source } = fields;
  const mem = (key: string) => {
    const v = fields.get(task, ptr, key, 'number', {
      expected: 'a number of MiB',
      hint: `write a number without quotes, e.g. "${key}": 256`,
    });
    if (v !== undefined && v < 1)
      problems.error(
        source.at(join(ptr, key)),
        `"${key}" is ${v} MiB; it must be at least 1`,
        'give the memory in MiB, e.g. 256',
      );
    return v !== undefined && v >= 1 ? v : undefined;
  };
  const memoryMinimumMiB = mem('memory_minimum');
  const memoryMaximumMiB = mem('memory_maximum');
  if (
    memoryMinimumMiB !== undefined &&
    memoryMaximumMiB !== undefined &&
    memoryMinimumMiB > memoryMaximumMiB
  ) {
    problems.error(
      source.at(join(ptr, 'memory_minimum')),
      `"memory_minimum" (${memoryMinimumMiB}) is more than "memory_maximum" (${memoryMaximumMiB})`,
      'raise memory_maximum or lower memory_minimum',
    );
  }
  return { memoryMinimumMiB, memoryMaximumMiB };
}

/** `instances_minimum` (default 1, or 0 when the maximum is 0) and `instances_maximum`. */
function readInstances(task: JsonObject, ptr: string, fields: Fields) {
  const { problems, source } = fields;
  const inst = (key: string) => {
    const v = fields.get(task, ptr, key, 'number', {
      expected: 'a whole number of instances',
      hint: `write a whole number without quotes, e.g. "${key}": 1`,
    });
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < 0) {
      problems.error(
        source.at(join(ptr, key)),
        `"${key}" is ${v}; it must be a whole number, 0 or more`,
        'write a non-negative whole number, e.g. 1',
      );
      return undefined;
    }
    return v;
  };
  const declaredMin = inst('instances_minimum');
  const instancesMaximum = inst('instances_maximum');
  if (
    declaredMin !== undefined &&
    instancesMaximum !== undefined &&
    declaredMin > instancesMaximum
  ) {
    problems.error(
      source.at(join(ptr, 'instances_minimum')),
      `"instances_minimum" (${declaredMin}) is more than "instances_maximum" (${instancesMaximum})`,
      'raise instances_maximum or lower instances_minimum',
    );
  }
  // The default of 1 must not contradict a declared maximum of 0.
  const instancesMinimum = declaredMin ?? Math.min(1, instancesMaximum ?? 1);
  return { instancesMinimum, instancesMaximum };
}

/** `options`: the arguments, each a string. */
function readOptions(task: JsonObject, ptr: string, fields: Fields): string[] {
  const options: string[] = [];
  const optionList = fields.get(task, ptr, 'options', 'array', {
    expected: 'an array of strings',
    hint: 'write the arguments as a list, e.g. "options": ["--mode", "production"]',
  });
  optionList?.forEach((o, i) => {
    const s = fields.check(o, join(ptr, 'options', i), `options[${i}]`, 'string', {
      expected: 'a string',
      hint: 'put each argument in double quotes',
    });
    if (s !== undefined) options.push(s);
  });
  return options;
}

/** `cron`: a five-field schedule; another form that reads as one is a warning, not an error. */
function readCronField(task: JsonObject, ptr: string, fields: Fields): string | undefined {
  const { problems, source } = fields;
  const cronText = fields.get(task, ptr, 'cron', 'string', {
    expected: 'a cron schedule string',
    hint: 'write five fields in quotes, e.g. "cron": "0 0 * * *"',
  });
  if (cronText === undefined) return undefined;
  const result = parseCron(cronText);
  const at = source.at(join(ptr, 'cron'));
  if (!result.ok) {
    problems.error(
      at,
      `"cron" ${JSON.stringify(cronText)} is not a cron schedule: ${result.reason}`,
      'write five fields: minute hour day-of-month month day-of-week, e.g. "0 0 * * *"',
    );
    return undefined;
  }
  if (result.normalisedFrom !== undefined)
    problems.warn(
      at,
      `"cron" ${JSON.stringify(cronText)} read as "${result.expression}"`,
      `write "${result.expression}" to say it in the five-field form the schema asks for`,
    );
  return result.expression;
}

function readPorts(task: JsonObject, ptr: string, fields: Fields): number[] {
  const list = fields.get(task, ptr, 'ports', 'array', {
    expected: 'an array of port numbers',
    hint: 'write the ports as a list of numbers, e.g. "ports": [8080]',
  });
  const ports: number[] = [];
  list?.forEach((p, i) => {
    const at = join(ptr, 'ports', i);
    const n = fields.check(p, at, `ports[${i}]`, 'number', {
      expected: 'a port number',
      hint: 'write the port as a number without quotes, e.g. 8080',
    });
    if (n === undefined) return;
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      fields.problems.error(
        fields.source.at(at),
        `port ${n} is not a whole number from 1 to 65535`,
        'use the TCP port the container listens on, e.g. 8080',
      );
    } else if (ports.includes(n)) {
      fields.problems.error(
        fields.source.at(at),
        `port ${n} is listed twice`,
        'list each port once',
      );
    } else ports.push(n);
  });
  return ports;
}
