import type {
  JourneyDeclaration,
  PersonaDeclaration,
  RequestDeclaration,
  SessionDeclaration,
  TrafficDeclaration,
  WebSocketDeclaration,
  WriteDeclaration,
} from './types.js';
import { isObject, type JsonObject } from './fields.js';
import { join } from './pointer.js';
import type { Problems, Source } from './problems.js';
import { CANARY_NAMES, CANARY_PLACEHOLDERS } from '../traffic/canary.js';

/** What `{name}` can stand for, and where (the synthetic PHI anywhere: `check` searches for it). */
const PLACEHOLDERS = {
  run: 'a name unique to the chaos run',
  seq: 'a number unique to the request within the run',
  key: "the write's unique key (in a write journey, its read and verify)",
  id: 'the acknowledged id (in a write\'s "read" and "verify")',
  ...CANARY_PLACEHOLDERS,
} as const;
type Placeholder = keyof typeof PLACEHOLDERS;
const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Checks what the schema cannot in a valid `traffic:` mapping: each `{name}` placeholder must be
 * one the generator fills where it is written, and journey names must be unique. Call after the
 * schema check, on values that passed it.
 */
export function checkTrafficMeaning(
  traffic: unknown,
  ptr: string,
  source: Source,
  problems: Problems,
): void {
  if (!isObject(traffic)) return;
  const base: Placeholder[] = ['run', 'seq', ...CANARY_NAMES];
  const check = (value: unknown, at: string, allowed: Placeholder[]): void => {
    if (typeof value === 'string') {
      for (const [, name] of value.matchAll(PLACEHOLDER)) {
        if (allowed.includes(name as Placeholder)) continue;
        problems.error(
          source.at(at),
          `"${at.slice(1).replace(/\//g, '.')}" uses the placeholder {${name}}, which is not filled here`,
          `use ${allowed.map((a) => `{${a}} (${PLACEHOLDERS[a]})`).join(', ')}`,
        );
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => check(v, join(at, i), allowed));
    else if (isObject(value))
      for (const [k, v] of Object.entries(value)) check(v, join(at, k), allowed);
  };
  const request = (r: unknown, at: string, allowed: Placeholder[]) => {
    if (typeof r === 'string') return check(r, at, allowed);
    if (!isObject(r)) return;
    for (const k of ['path', 'headers', 'body'])
      if (r[k] !== undefined) check(r[k], join(at, k), allowed);
  };
  const journeys = Array.isArray(traffic['journeys']) ? traffic['journeys'] : [];
  const named = new Map<unknown, number>();
  journeys.forEach((j, i) => {
    if (!isObject(j)) return;
    const at = join(ptr, 'journeys', i);
    const first = named.get(j['name']);
    if (first !== undefined)
      problems.error(
        source.at(join(at, 'name')),
        `journey name "${String(j['name'])}" is used twice (first at traffic.journeys.${first})`,
        'give each journey its own name: reports and the write ledger tell them apart by it',
      );
    else named.set(j['name'], i);
    const w = isObject(j['write']) ? j['write'] : undefined;
    request(j, at, w ? [...base, 'key'] : base);
    if (!w) return;
    check(w['key'], join(at, 'write', 'key'), base);
    request(w['read'], join(at, 'write', 'read'), [...base, 'key', 'id']);
    request(w['verify'], join(at, 'write', 'verify'), [...base, 'key', 'id']);
  });
  for (const part of ['session', 'persona'] as const) {
    const p = traffic[part];
    if (!isObject(p)) continue;
    if (part === 'persona') request(p, join(ptr, part), base);
    else for (const k of ['login', 'check']) request(p[k], join(ptr, part, k), base);
  }
  if (isObject(traffic['websocket']))
    check(traffic['websocket']['path'], join(ptr, 'websocket', 'path'), base);
}

/** A schema-valid `traffic:` mapping in our own shape, defaults filled in. */
export function readTraffic(v: unknown): TrafficDeclaration | undefined {
  if (!isObject(v)) return undefined;
  const out: TrafficDeclaration = {};
  if (Array.isArray(v['journeys'])) out.journeys = v['journeys'].filter(isObject).map(journey);
  if (v['session'] === false) out.session = false;
  else if (isObject(v['session'])) out.session = session(v['session']);
  if (v['persona'] === false) out.persona = false;
  else if (isObject(v['persona'])) out.persona = persona(v['persona']);
  if (v['websocket'] === false) out.websocket = false;
  else if (isObject(v['websocket'])) out.websocket = websocket(v['websocket']);
  if (typeof v['openapi'] === 'string') out.openapi = v['openapi'];
  return out;
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);

/** A request as a mapping or a bare path (a GET). */
function request(v: unknown, defaults: { method: string; expect: number[] }): RequestDeclaration {
  const m: JsonObject = typeof v === 'string' ? { path: v } : isObject(v) ? v : {};
  const expect = m['expect'];
  const headers = isObject(m['headers'])
    ? Object.fromEntries(
        Object.entries(m['headers']).filter((e): e is [string, string] => typeof e[1] === 'string'),
      )
    : undefined;
  return {
    method: typeof m['method'] === 'string' ? m['method'] : defaults.method,
    path: typeof m['path'] === 'string' ? m['path'] : '/',
    ...(headers ? { headers } : {}),
    ...(m['body'] !== undefined ? { body: m['body'] } : {}),
    expect:
      typeof expect === 'number'
        ? [expect]
        : Array.isArray(expect) && expect.length > 0
          ? expect.filter((e): e is number => typeof e === 'number')
          : defaults.expect,
  };
}

const GET = { method: 'GET', expect: [200] };

function journey(m: JsonObject): JourneyDeclaration {
  const method = typeof m['method'] === 'string' ? m['method'] : 'GET';
  const w = isObject(m['write']) ? m['write'] : undefined;
  return {
    name: typeof m['name'] === 'string' ? m['name'] : 'journey',
    ...request(m, { method, expect: method === 'POST' ? [200, 201] : [200] }),
    weight: num(m['weight'], 1),
    ...(w ? { write: write(w) } : {}),
  };
}

function write(m: JsonObject): WriteDeclaration {
  const read = request(m['read'], GET);
  const readWeight = isObject(m['read']) ? num(m['read']['weight'], 1) : 1;
  const v = m['verify'];
  const verify = v === undefined ? read : request(v, GET);
  return {
    key: typeof m['key'] === 'string' ? m['key'] : '{run}-{seq}',
    id: typeof m['id'] === 'string' ? m['id'] : '/id',
    read: { ...read, weight: readWeight },
    verify: {
      path: verify.path,
      ...(isObject(v) && typeof v['count'] === 'string' ? { count: v['count'] } : {}),
      ...(isObject(v) && typeof v['ids'] === 'string' ? { ids: v['ids'] } : {}),
    },
  };
}

function session(m: JsonObject): SessionDeclaration {
  const login = isObject(m['login']) ? m['login'] : {};
  return {
    login: {
      ...request(m['login'], { method: 'POST', expect: [200, 201] }),
      token: typeof login['token'] === 'string' ? login['token'] : '/token',
    },
    check: request(m['check'], GET),
    uses: num(m['uses'], 9),
    weight: num(m['weight'], 3),
  };
}

function persona(m: JsonObject): PersonaDeclaration {
  return {
    ...request(m, GET),
    ...(typeof m['persona'] === 'string' ? { persona: m['persona'] } : { persona: '' }),
    weight: num(m['weight'], 1),
  };
}

function websocket(m: JsonObject): WebSocketDeclaration {
  return {
    path: typeof m['path'] === 'string' ? m['path'] : '/ws',
    sockets: num(m['sockets'], 2),
    intervalMs: num(m['interval_ms'], 250),
  };
}
