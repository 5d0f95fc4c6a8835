import { randomUUID } from 'node:crypto';
import type { Canaries } from './canary.js';
import type {
  JourneyDeclaration,
  PersonaDeclaration,
  RequestDeclaration,
  SessionDeclaration,
  TrafficDeclaration,
  WebSocketDeclaration,
} from '../declaration/types.js';

/** The journeys a chaos run sends, with where they came from (for the report). */
export interface TrafficSpec {
  journeys: JourneyDeclaration[];
  session?: SessionDeclaration;
  persona?: PersonaDeclaration;
  websocket?: WebSocketDeclaration;
  /**
   * "declared" (rehearsal.yaml), "reference" (the reference service's API), "cds-hooks" (derived
   * from the service's CDS Hooks discovery) or "health".
   */
  origin: 'declared' | 'reference' | 'cds-hooks' | 'openapi' | 'health';
  /** For derived journeys: what they were derived from, one line ("CDS Hooks discovery: …"). */
  derivedFrom?: string;
}

/** What the defaults depend on. */
export interface TrafficContext {
  /** The task runs Rehearsal's reference service. */
  reference: boolean;
  healthPath: string;
  smokePath?: string;
  /** The sandbox's IdP, when it has one: its first persona is the default one. */
  personas?: string[];
}

const OK_2XX = Array.from({ length: 100 }, (_, i) => 200 + i);

/** The reference service's FHIR-like API: search, create + read-back, its own sessions, /me. */
const REFERENCE = {
  journeys: [
    {
      name: 'create-patient',
      method: 'POST',
      path: '/Patient',
      headers: { 'content-type': 'application/fhir+json' },
      body: { resourceType: 'Patient', name: [{ family: '{key}', given: ['w{seq}'] }] },
      expect: [201],
      weight: 2,
      write: {
        // A search is a prefix match: the trailing "-" keeps "…-w1-" from matching "…-w10-".
        key: '{run}-w{seq}-',
        id: '/id',
        read: { method: 'GET', path: '/Patient/{id}', expect: [200], weight: 1 },
        verify: {
          path: '/Patient?name={key}&_count=5',
          count: '/total',
          ids: '/entry/*/resource/id',
        },
      },
    },
    {
      name: 'search',
      method: 'GET',
      path: '/Patient?name={run}&_count=1',
      expect: [200],
      weight: 2,
    },
  ],
  session: {
    login: { method: 'POST', path: '/session', expect: [201], token: '/token' },
    check: { method: 'GET', path: '/session', expect: [200] },
    uses: 9,
    weight: 3,
  },
  persona: { persona: '', method: 'GET', path: '/me', expect: [200], weight: 1 },
} satisfies Omit<TrafficSpec, 'origin'>;

/**
 * The journeys for a task: what rehearsal.yaml declares, each part it leaves out taking its
 * default. Defaults: the reference service's own API for the reference service; for any other
 * HTTP service, reads of its health path and (when declared) its smoke path, with no writes.
 * The persona journey needs the sandbox's IdP; without one it is dropped.
 */
export function resolveTraffic(
  declared: TrafficDeclaration | undefined,
  ctx: TrafficContext,
): TrafficSpec {
  const reads: JourneyDeclaration[] = [
    { name: 'health', method: 'GET', path: ctx.healthPath, expect: OK_2XX, weight: 1 },
    ...(ctx.smokePath
      ? [{ name: 'smoke', method: 'GET', path: ctx.smokePath, expect: OK_2XX, weight: 1 }]
      : []),
  ];
  const defaults: Omit<TrafficSpec, 'origin'> = ctx.reference ? REFERENCE : { journeys: reads };
  const pick = <T>(own: T | false | undefined, fallback: T | undefined): T | undefined =>
    own === false ? undefined : (own ?? fallback);
  const persona = ctx.personas?.length ? pick(declared?.persona, defaults.persona) : undefined;
  const websocket = pick(declared?.websocket, defaults.websocket);
  const session = pick(declared?.session, defaults.session);
  return {
    journeys: declared?.journeys ?? defaults.journeys,
    ...(session ? { session } : {}),
    ...(persona ? { persona: { ...persona, persona: persona.persona || ctx.personas![0]! } } : {}),
    ...(websocket ? { websocket } : {}),
    origin: declared?.journeys ? 'declared' : ctx.reference ? 'reference' : 'health',
  };
}

/** Whether any journey writes: without one, the data verdicts cannot be decided. */
export function hasWrites(spec: TrafficSpec): boolean {
  return spec.journeys.some((j) => j.write && j.weight > 0);
}

/** The values placeholders stand for in one request. */
export interface Fill {
  run: string;
  seq: number;
  key?: string;
  id?: string;
  /** The run's synthetic PHI, for `{patient_name}`, `{mrn}`, `{birth_date}`, `{phone}`, `{email}`. */
  canaries?: Canaries;
}

const PLACEHOLDER = /\{(run|seq|key|id|uuid|patient_name|mrn|birth_date|phone|email)\}/g;

/** Replaces the placeholders in a string (URL-encoded when `encode`). */
export function fillText(text: string, fill: Fill, encode = false): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    // A fresh UUID each time (a CDS Hooks hookInstance is one per call).
    if (name === 'uuid') return randomUUID();
    const v =
      name in (fill.canaries ?? {})
        ? fill.canaries![name as keyof Canaries]
        : fill[name as 'run' | 'seq' | 'key' | 'id'];
    if (v === undefined) return whole;
    return encode ? encodeURIComponent(String(v)) : String(v);
  });
}

/** Replaces placeholders in every string of a body. */
export function fillBody(body: unknown, fill: Fill): unknown {
  if (typeof body === 'string') return fillText(body, fill);
  if (Array.isArray(body)) return body.map((b) => fillBody(b, fill));
  if (body && typeof body === 'object')
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, fill)]));
  return body;
}

/** A request ready to send. */
export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** The request to send: path and body filled, a JSON body encoded with its content type. */
export function prepare(r: RequestDeclaration, fill: Fill): PreparedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {}))
    headers[k.toLowerCase()] = fillText(v, fill);
  let body: Buffer | undefined;
  if (r.body !== undefined) {
    const filled = fillBody(r.body, fill);
    if (typeof filled === 'string') body = Buffer.from(filled);
    else {
      body = Buffer.from(JSON.stringify(filled));
      headers['content-type'] ??= 'application/json';
    }
  }
  return {
    method: r.method,
    path: fillText(r.path, fill, true),
    headers,
    ...(body ? { body } : {}),
  };
}

/**
 * The values at a JSON pointer, where a `*` token stands for every item of an array (or member
 * of an object): `/entry/*\/resource/id` gives every entry's id.
 */
export function pointerValues(doc: unknown, pointer: string): unknown[] {
  if (pointer === '') return [doc];
  let values: unknown[] = [doc];
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    values = values.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      if (token === '*') return Object.values(v);
      const next = (v as Record<string, unknown>)[token];
      return next === undefined ? [] : [next];
    });
  }
  return values;
}

/** The first value at a pointer, as a string (ids may be numbers), or undefined. */
export function pointerString(doc: unknown, pointer: string): string | undefined {
  const v = pointerValues(doc, pointer)[0];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/**
 * The order each worker cycles through: every entry `weight` times per cycle, spread by smooth
 * weighted round robin (nginx's), so a cycle of weights 2, 2, 3, 1 mixes them evenly.
 */
export function weightedCycle<T>(entries: { item: T; weight: number }[]): T[] {
  const live = entries.filter((e) => e.weight > 0);
  const total = live.reduce((n, e) => n + e.weight, 0);
  const current = live.map(() => 0);
  const out: T[] = [];
  for (let i = 0; i < total; i++) {
    let best = 0;
    live.forEach((e, k) => {
      current[k]! += e.weight;
      if (current[k]! > current[best]!) best = k;
    });
    current[best]! -= total;
    out.push(live[best]!.item);
  }
  return out;
}
