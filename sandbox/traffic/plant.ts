/**
 * Planting canaries in requests whose journeys use no canary placeholder: a query parameter and
 * a header on every request, and chosen string fields of JSON write bodies. The fields are the
 * ones a trial showed the service still accepts (sandbox/checks/facts/edge-traffic.ts).
 */
import type { Canaries } from './canary.js';

/** Where the canaries go. `bodies`: journey name → JSON pointers of the string fields to plant. */
export interface Planting {
  query: string;
  header: string;
  bodies: Map<string, string[]>;
}

/** `name`: the parameter a patient search most often takes (and the reference's own). */
export const PLANT_QUERY = 'name';
export const PLANT_HEADER = 'x-patient';

export function newPlanting(): Planting {
  return { query: PLANT_QUERY, header: PLANT_HEADER, bodies: new Map() };
}

/** The header's value: every other canary, so each is sent at least once per request. */
export const headerValue = (c: Canaries) =>
  `mrn=${c.mrn}; birth_date=${c.birth_date}; phone=${c.phone}; email=${c.email}`;

/** The request with the canaries planted as `p` says (the body only for a listed journey). */
export function plantRequest<
  R extends { path: string; headers?: Record<string, string>; body?: Buffer },
>(req: R, journey: string, c: Canaries, p: Planting): R {
  const sep = req.path.includes('?') ? '&' : '?';
  const out: R = {
    ...req,
    path: `${req.path}${sep}${p.query}=${encodeURIComponent(c.patient_name)}`,
    headers: { ...req.headers, [p.header]: headerValue(c) },
  };
  const fields = p.bodies.get(journey);
  if (fields?.length && req.body) {
    const planted = plantFields(req.body, fields, c);
    if (planted) out.body = planted;
  }
  return out;
}

/** The JSON pointers of every string in a body, but those holding `keep` (the write's key). */
export function stringFields(body: unknown, keep?: string, at = ''): string[] {
  if (typeof body === 'string') return keep && body.includes(keep) ? [] : [at];
  if (Array.isArray(body)) return body.flatMap((v, i) => stringFields(v, keep, `${at}/${i}`));
  if (body && typeof body === 'object')
    return Object.entries(body).flatMap(([k, v]) =>
      stringFields(v, keep, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
    );
  return [];
}

/** The body with the patient name appended to each listed string field; undefined if not JSON. */
export function plantFields(body: Buffer, fields: string[], c: Canaries): Buffer | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  for (const pointer of fields) {
    const tokens = pointer
      .slice(1)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = tokens.pop();
    let parent: unknown = doc;
    for (const t of tokens) parent = (parent as Record<string, unknown> | undefined)?.[t];
    if (last === undefined || !parent || typeof parent !== 'object') continue;
    const holder = parent as Record<string, unknown>;
    if (typeof holder[last] === 'string')
      holder[last] = `${holder[last] as string} ${c.patient_name}`;
  }
  return Buffer.from(JSON.stringify(doc));
}
