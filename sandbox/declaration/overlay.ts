import type { SourceLocation } from '../errors.js';
import type { BindingSource, DatabaseKind, Overlay, TaskKind, TaskOverlay } from './types.js';
import { TASK_KINDS } from './kind.js';
import { isObject, type JsonObject } from './fields.js';
import { BINDING_SOURCES, checkOverlaySchema, DATABASE_KINDS, PROFILES } from './overlay-schema.js';
import { join } from './pointer.js';
import type { Problems, Source } from './problems.js';
import { parseYamlSource } from './yaml-source.js';
import { DNS_LABEL } from './names.js';
import { checkTrafficMeaning, readTraffic } from './traffic.js';

export interface ParsedOverlay {
  overlay: Overlay;
  /** Positions in rehearsal.yaml; undefined without an overlay file. */
  source: Source | undefined;
  /** Where `configuration: N` was written, to place an out-of-range error. */
  configurationLocation: SourceLocation | undefined;
  /** False when the file had errors: later checks would only repeat them. */
  usable: boolean;
}

/** Fresh each time: callers may mutate what they are given. */
const defaultOverlay = (): Overlay => ({
  profile: 'hspc-2016',
  database: { kind: 'postgres' },
  defaults: {},
  tasks: {},
});

/**
 * Parses and validates rehearsal.yaml (all fields optional) into an `Overlay` with defaults
 * filled in. Without a file, returns the defaults. Only values that passed the schema are kept,
 * so a wrong value is reported once and never reaches the planner.
 */
export function readOverlay(
  file: string | undefined,
  text: string | undefined,
  problems: Problems,
): ParsedOverlay {
  if (file === undefined || text === undefined) {
    return {
      overlay: { ...defaultOverlay(), ...(file ? { file } : {}) },
      source: undefined,
      configurationLocation: undefined,
      usable: file === undefined,
    };
  }
  const before = problems.errorCount;
  const source = parseYamlSource(file, text, problems);
  const doc = source.value ?? {};
  if (source.value !== undefined && source.value !== null)
    checkOverlaySchema(source.value, source, problems);
  if (problems.errorCount === before && isObject(doc)) checkTraffic(doc, source, problems);
  // A non-mapping top level was reported by the schema check.
  if (!isObject(doc))
    return {
      overlay: { ...defaultOverlay(), file },
      source,
      configurationLocation: undefined,
      usable: false,
    };

  const tasks: Overlay['tasks'] = {};
  for (const [key, entry] of Object.entries(isObject(doc['tasks']) ? doc['tasks'] : {})) {
    if (!isObject(entry)) continue;
    const name =
      typeof entry['name'] === 'string' && DNS_LABEL.test(entry['name'])
        ? { name: entry['name'] }
        : {};
    tasks[key] = { ...name, ...taskOverlay(entry), location: source.keyAt(join('/tasks', key)) };
  }
  const configuration =
    typeof doc['configuration'] === 'number' &&
    Number.isInteger(doc['configuration']) &&
    doc['configuration'] >= 0
      ? doc['configuration']
      : undefined;
  const sandbox = isObject(doc['sandbox']) ? doc['sandbox'] : {};
  const sandboxName =
    typeof sandbox['name'] === 'string' && DNS_LABEL.test(sandbox['name'])
      ? sandbox['name']
      : undefined;

  const overlay: Overlay = {
    file,
    profile: oneOf(doc['profile'], PROFILES) ?? 'hspc-2016',
    ...(sandboxName !== undefined ? { sandboxName } : {}),
    ...(configuration !== undefined ? { configuration } : {}),
    database: database(doc['database']),
    defaults: taskOverlay(doc),
    tasks,
  };
  return {
    overlay,
    source,
    configurationLocation: configuration !== undefined ? source.at('/configuration') : undefined,
    usable: problems.errorCount === before,
  };
}

/** `traffic:` at the top level and in each task entry: placeholders and journey names. */
function checkTraffic(doc: JsonObject, source: Source, problems: Problems): void {
  checkTrafficMeaning(doc['traffic'], '/traffic', source, problems);
  for (const [key, entry] of Object.entries(isObject(doc['tasks']) ? doc['tasks'] : {}))
    if (isObject(entry))
      checkTrafficMeaning(entry['traffic'], join('/tasks', key, 'traffic'), source, problems);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === v);
}

function database(v: unknown): Overlay['database'] {
  if (typeof v === 'string') return { kind: oneOf<DatabaseKind>(v, DATABASE_KINDS) ?? 'postgres' };
  if (!isObject(v)) return { kind: 'postgres' };
  const version =
    typeof v['version'] === 'string' && v['version'] !== '' ? { version: v['version'] } : {};
  return { kind: oneOf<DatabaseKind>(v['kind'], DATABASE_KINDS) ?? 'postgres', ...version };
}

/** The task settings of one mapping (the top level or a `tasks` entry), mapped to our names. */
function taskOverlay(m: JsonObject): TaskOverlay {
  const out: TaskOverlay = {};
  const str = (v: unknown, ok: (s: string) => boolean = (s) => s !== '') =>
    typeof v === 'string' && ok(v) ? v : undefined;
  const startsWithSlash = (s: string) => s.startsWith('/');
  const health = isObject(m['health']) ? m['health'] : {};
  const smoke = isObject(m['smoke']) ? m['smoke'] : {};
  const scim = isObject(m['scim']) ? m['scim'] : {};
  const login = isObject(m['login']) ? m['login'] : {};

  const image = str(m['image']);
  if (image !== undefined) out.image = image;
  if (typeof m['replicas'] === 'number' && Number.isInteger(m['replicas']) && m['replicas'] >= 0)
    out.replicas = m['replicas'];
  const healthPath = str(health['path'], startsWithSlash);
  if (healthPath !== undefined) out.healthPath = healthPath;
  if (typeof health['port'] === 'number' && Number.isInteger(health['port']))
    out.httpPort = health['port'];
  const command = smoke['command'];
  // The string form is split on whitespace: no shell runs it, so quoting has no meaning.
  const words =
    typeof command === 'string'
      ? command.split(/\s+/).filter(Boolean)
      : Array.isArray(command) && command.every((c) => typeof c === 'string')
        ? (command as string[])
        : [];
  if (words.length > 0) out.smokeCommand = words;
  const smokePath = str(smoke['path'], startsWithSlash);
  if (smokePath !== undefined) out.smokePath = smokePath;
  const traffic = readTraffic(m['traffic']);
  if (traffic) out.traffic = traffic;
  const scimPath = str(scim['path'], startsWithSlash);
  if (scimPath !== undefined) out.scimPath = scimPath;
  const loginPath = str(login['path'], startsWithSlash);
  if (loginPath !== undefined) out.loginPath = loginPath;
  if (typeof m['sso'] === 'boolean') out.sso = m['sso'];
  const kind = oneOf<TaskKind>(m['kind'], TASK_KINDS);
  if (kind !== undefined) out.kind = kind;
  if (isObject(m['bind'])) {
    const bind: Record<string, BindingSource> = {};
    for (const [k, v] of Object.entries(m['bind'])) {
      const sourceName = oneOf<BindingSource>(v, BINDING_SOURCES);
      if (sourceName) bind[k] = sourceName;
    }
    out.bind = bind;
  }
  if (isObject(m['env'])) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(m['env'])) if (typeof v === 'string') env[k] = v;
    out.env = env;
  }
  return out;
}
