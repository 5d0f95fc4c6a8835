/**
 * Journeys derived from a service's OpenAPI 3 document, for a task that declares no `traffic:`:
 * every GET that needs no parameter is a read, and every POST whose answer carries an `id`, paired
 * with the GET of one item under the same collection (`/notes` and `/notes/{noteId}`), is a write
 * recorded in the ledger, read back and verified. Bodies are samples of the request schema
 * (openapi-sampler: examples, defaults, enums and formats as the document gives them). What is
 * left out is said, with the reason, so a vendor knows what the derived traffic did not cover.
 */
import { sample } from 'openapi-sampler';
import type { JourneyDeclaration } from '../declaration/types.js';

type Json = Record<string, unknown>;

export interface OpenApiJourneys {
  journeys: JourneyDeclaration[];
  /** One line per operation left out, with why. */
  skipped: string[];
  /** "2 reads, 1 write (POST /notes → GET /notes/{id})". */
  summary: string;
}

/** Reads kept at most, so a large API does not crowd the writes out of the cycle. */
const MAX_READS = 8;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `doc` is not an OpenAPI 3 document, or undefined when it is one. */
export function openApiProblem(doc: unknown): string | undefined {
  if (!isObject(doc)) return 'not a JSON object';
  if (typeof doc.swagger === 'string')
    return `Swagger ${doc.swagger} (OpenAPI 2): only OpenAPI 3.x is read; convert it, or declare traffic.journeys`;
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.'))
    return 'no "openapi": "3.x" field';
  if (!isObject(doc.paths)) return 'no "paths" object';
  return undefined;
}

/** Follows local `$ref`s (`#/components/...`) and merges `allOf`, a few levels deep. */
function resolve(doc: Json, schema: unknown, depth = 0): Json | undefined {
  if (!isObject(schema) || depth > 8) return undefined;
  if (typeof schema.$ref === 'string') {
    if (!schema.$ref.startsWith('#/')) return undefined;
    let at: unknown = doc;
    for (const part of schema.$ref.slice(2).split('/'))
      at = isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    return resolve(doc, at, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((s) => resolve(doc, s, depth + 1) ?? {});
    const properties = Object.assign(
      {},
      ...parts.map((p) => (isObject(p.properties) ? p.properties : {})),
    ) as Json;
    return { ...schema, properties };
  }
  return schema;
}

/** The operation's and its path's parameters, `$ref`s resolved. */
function parameters(doc: Json, item: Json, op: Json): Json[] {
  const all = [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ];
  return all.map((p) => resolve(doc, p)).filter((p): p is Json => p !== undefined);
}

/** Success statuses the operation declares (2xx keys), else 200. */
function successes(op: Json, fallback: number): number[] {
  const codes = Object.keys(isObject(op.responses) ? op.responses : {})
    .map(Number)
    .filter((c) => c >= 200 && c < 300);
  return codes.length > 0 ? codes : [fallback];
}

/** Why the operation cannot be sent without credentials the sandbox does not have. */
function needsCredentials(doc: Json, op: Json): string | undefined {
  const security = Array.isArray(op.security) ? op.security : doc.security;
  if (!Array.isArray(security) || security.length === 0) return undefined;
  // `{}` among the alternatives means anonymous access is allowed.
  if (security.some((s) => isObject(s) && Object.keys(s).length === 0)) return undefined;
  const names = security.flatMap((s) => (isObject(s) ? Object.keys(s) : []));
  return `needs credentials (${names.join(', ')})`;
}

/** The JSON request body schema, when the operation takes one. */
function jsonBody(doc: Json, op: Json): Json | undefined {
  const body = resolve(doc, op.requestBody);
  if (!body || !isObject(body.content)) return undefined;
  const media = Object.entries(body.content).find(([type]) => /[/+]json\b/.test(type));
  return media && isObject(media[1]) ? resolve(doc, media[1].schema) : undefined;
}

/** Whether the operation's success answer is a JSON object with an `id` property. */
function answersWithId(doc: Json, op: Json): boolean {
  const responses = isObject(op.responses) ? op.responses : {};
  for (const code of ['201', '200']) {
    const r = resolve(doc, responses[code]);
    if (!r || !isObject(r.content)) continue;
    for (const media of Object.values(r.content)) {
      const schema = isObject(media) ? resolve(doc, media.schema) : undefined;
      if (schema && isObject(schema.properties) && 'id' in schema.properties) return true;
    }
  }
  return false;
}

/** The path prefix of the first server (`/api` of `https://example.org/api`), without a slash at the end. */
function basePath(doc: Json): string {
  const first = Array.isArray(doc.servers) ? doc.servers[0] : undefined;
  const url = isObject(first) && typeof first.url === 'string' ? first.url : '';
  const path = /^[a-z]+:\/\//i.test(url) ? new URL(url).pathname : url;
  return path.replace(/\{[^}]*\}/g, '').replace(/\/+$/, '');
}

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  item: Json;
  op: Json;
}

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, raw] of Object.entries(doc.paths as Json)) {
    const item = resolve(doc, raw);
    if (!item) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ method, path, item, op });
    }
  }
  return out;
}

/** The item path under `collection`: `/notes/{noteId}` for `/notes`, with its one parameter. */
function itemPathOf(ops: Operation[], collection: string): string | undefined {
  const pattern = new RegExp(`^${collection.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}/\\{[^/}]+\\}$`);
  return ops.find((o) => o.method === 'get' && pattern.test(o.path))?.path;
}

/** Derives the journeys; `doc` must have passed `openApiProblem`. */
export function journeysFromOpenApi(doc: Json): OpenApiJourneys {
  const base = basePath(doc);
  const ops = operations(doc);
  const journeys: JourneyDeclaration[] = [];
  const skipped: string[] = [];
  const writes: string[] = [];
  const itemReads: string[] = [];
  let reads = 0;
  for (const o of ops) {
    const label = `${o.method.toUpperCase()} ${o.path}`;
    const credentials = needsCredentials(doc, o.op);
    const required = parameters(doc, o.item, o.op).filter(
      (p) => p.required === true && p.in !== 'path',
    );
    if (o.method === 'get' && !o.path.includes('{')) {
      if (credentials) skipped.push(`${label}: ${credentials}`);
      else if (required.length > 0)
        skipped.push(`${label}: needs ${required.map((p) => `${p.in} ${p.name}`).join(', ')}`);
      else if (reads >= MAX_READS) skipped.push(`${label}: more than ${MAX_READS} reads`);
      else {
        reads++;
        journeys.push({
          name: label,
          method: 'GET',
          path: `${base}${o.path}`,
          expect: successes(o.op, 200),
          weight: 1,
        });
      }
      continue;
    }
    if (o.method === 'get') {
      itemReads.push(o.path);
      continue;
    }
    if (o.method !== 'post') {
      skipped.push(`${label}: only GETs and POST/GET pairs are derived`);
      continue;
    }
    const write = deriveWrite(doc, ops, o, base, credentials, required.length);
    if (typeof write === 'string') skipped.push(`${label}: ${write}`);
    else {
      journeys.push(write);
      writes.push(`${label} → GET ${write.write!.read.path.slice(base.length)}`);
    }
  }
  // A GET of one item is sent as the read-back of the POST that creates it; without one, it
  // would need an id nobody gave.
  const readBack = new Set(journeys.map((j) => j.write?.read.path));
  for (const path of itemReads)
    if (!readBack.has(`${base}${path.replace(/\{[^}]+\}$/, '{id}')}`))
      skipped.push(`GET ${path}: needs an id, and no POST here creates one`);
  const summary =
    `${reads} read${reads === 1 ? '' : 's'}, ${writes.length} write${writes.length === 1 ? '' : 's'}` +
    (writes.length > 0 ? ` (${writes.join('; ')})` : '');
  return { journeys, skipped, summary };
}

/** A write journey for a POST, or why there is none. */
function deriveWrite(
  doc: Json,
  ops: Operation[],
  o: Operation,
  base: string,
  credentials: string | undefined,
  requiredParams: number,
): JourneyDeclaration | string {
  if (credentials) return credentials;
  if (o.path.includes('{')) return 'a POST under a path parameter is not derived';
  if (requiredParams > 0) return 'needs query or header parameters';
  const schema = jsonBody(doc, o.op);
  if (!schema) return 'no JSON request body';
  if (!answersWithId(doc, o.op)) return 'its 201/200 answer has no "id" to read back';
  const item = itemPathOf(ops, o.path);
  if (!item) return `no GET ${o.path}/{id} to read it back`;
  let body: unknown;
  try {
    body = sample(schema as Parameters<typeof sample>[0], { skipReadOnly: true, quiet: true }, doc);
  } catch (err) {
    return `its request schema cannot be sampled (${(err as Error).message})`;
  }
  const read = `${base}${item.replace(/\{[^}]+\}$/, '{id}')}`;
  return {
    name: `${o.method.toUpperCase()} ${o.path}`,
    method: 'POST',
    path: `${base}${o.path}`,
    body,
    expect: successes(o.op, 201),
    weight: 2,
    write: {
      key: '{run}-w{seq}',
      id: '/id',
      read: { method: 'GET', path: read, expect: [200], weight: 1 },
      verify: { path: read },
    },
  };
}
