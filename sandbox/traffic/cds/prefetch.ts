/**
 * Prefetch as a CDS Client fills it (CDS Hooks 2.0, "Prefetch Template"): each template's
 * `{{tokens}}` replaced from the hook's context and the user's ids, and the FHIR read or search
 * it then names answered from the synthetic record: a resource for a read, a searchset Bundle
 * for a search, `null` when there is no data, and the key left out when the template cannot be
 * evaluated (an unknown token), as the specification says a client must.
 */

/** A FHIR resource of the synthetic record. */
export type Resource = { resourceType: string; id: string } & Record<string, unknown>;

/** What the tokens stand for: the context's root-level primitive fields and the user's ids. */
export type Tokens = Record<string, string>;

/** The prefetch tokens naming the user (2.0), filled from the context's `userId`. */
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

/** The tokens a context offers: `context.<field>` for each root-level string or number. */
export function contextTokens(context: Record<string, unknown>): Tokens {
  const out: Tokens = {};
  for (const [k, v] of Object.entries(context))
    if (typeof v === 'string' || typeof v === 'number') out[`context.${k}`] = String(v);
  const user = out['context.userId'];
  const [type, id] = user?.split('/') ?? [];
  for (const [token, t] of Object.entries(USER_TOKENS)) if (type === t && id) out[token] = id;
  return out;
}

/** The template with its tokens replaced, or the tokens it names that the context lacks. */
export function fillTemplate(
  template: string,
  tokens: Tokens,
): { url: string } | { unknown: string[] } {
  const unknown: string[] = [];
  const url = template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (whole, name: string) => {
    const v = tokens[name];
    if (v === undefined) unknown.push(name);
    // A reference token ({{context.userId}} = "Practitioner/1") keeps its slash; the journey's
    // own placeholders ({run}) keep their braces until they are filled.
    return v === undefined
      ? whole
      : encodeURIComponent(v).replace(/%2F/gi, '/').replace(/%7B/gi, '{').replace(/%7D/gi, '}');
  });
  return unknown.length ? { unknown } : { url };
}

/** A read (`Type/id`) or a type-level search (`Type?params`) against the record. */
export function answer(url: string, record: Resource[]): Resource | null {
  const [path = '', query] = url.replace(/^\//, '').split('?', 2);
  const [type, id, ...rest] = path.split('/');
  if (!type || rest.length > 0) return null;
  if (id !== undefined && query === undefined)
    return record.find((r) => r.resourceType === type && r.id === id) ?? null;
  const params = [...new URLSearchParams(query ?? '')];
  const found = record.filter(
    (r) => r.resourceType === type && params.every(([k, v]) => matches(r, k, v)),
  );
  // "the null result is used rather than a bundle with zero entries".
  if (found.length === 0) return null;
  return {
    resourceType: 'Bundle',
    id: `search-${type}`,
    type: 'searchset',
    total: found.length,
    entry: found.map((resource) => ({ fullUrl: `${type}/${resource.id}`, resource })),
  };
}

const PAGING = new Set(['_count', '_sort', '_include', '_revinclude', '_elements', '_summary']);

/**
 * Whether a resource meets one search parameter. References (`patient`, `subject`,
 * `encounter`) and `_id` are understood; any other parameter matches only a top-level string
 * field of the same name and value (`status=active`), never by default: a search the record
 * cannot answer exactly answers nothing rather than something wrong.
 */
function matches(r: Resource, key: string, value: string): boolean {
  const name = key.split(':')[0]!;
  if (PAGING.has(name)) return true;
  if (name === '_id') return value.split(',').includes(r.id);
  if (name === 'patient' || name === 'subject' || name === 'encounter') {
    const field = name === 'encounter' ? r['encounter'] : (r['subject'] ?? r['patient']);
    const ref = (field as { reference?: string } | undefined)?.reference;
    const want = value.includes('/')
      ? value
      : `${name === 'encounter' ? 'Encounter' : 'Patient'}/${value}`;
    return (
      ref === want ||
      (r.resourceType === 'Patient' && name !== 'encounter' && `Patient/${r.id}` === want)
    );
  }
  return typeof r[name] === 'string' && r[name] === value;
}

/**
 * The prefetch of one service: each key's template filled and answered; keys whose template
 * names a token the context lacks are left out, and listed in `omitted` with the reason.
 */
export function evaluatePrefetch(
  templates: Record<string, string>,
  context: Record<string, unknown>,
  record: Resource[],
): { prefetch: Record<string, Resource | null>; omitted: string[] } {
  const tokens = contextTokens(context);
  const prefetch: Record<string, Resource | null> = {};
  const omitted: string[] = [];
  for (const [key, template] of Object.entries(templates)) {
    const filled = fillTemplate(template, tokens);
    if ('unknown' in filled)
      omitted.push(
        `${key} (${filled.unknown.map((t) => `{{${t}}}`).join(', ')} not in the hook's context)`,
      );
    else prefetch[key] = answer(filled.url, record);
  }
  return { prefetch, omitted };
}
