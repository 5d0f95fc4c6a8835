// FHIR R4 shapes this service reads and writes. Every link it produces is
// relative (DNS-agnostic): no host, scheme or port is ever put into a body or
// a header, so the service works unchanged behind any proxy and name.

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
export const SOFTWARE = { name: 'Rehearsal Reference Patient Service', version: '0.1.0' };

/** Logical ids as FHIR defines them. */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/** The largest and the default page size of a search. */
export const MAX_COUNT = 100;
export const DEFAULT_COUNT = 20;

/** An OperationOutcome with one issue. `code` is a FHIR issue type (not-found, invalid, …). */
export function outcome(severity, code, diagnostics) {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

/**
 * Checks a request body claims to be a Patient and has the shapes this
 * service searches on. Returns a message for the client, or undefined.
 */
export function patientProblem(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return 'the body must be a JSON object';
  if (body.resourceType !== 'Patient') return 'resourceType must be "Patient"';
  if (body.id !== undefined && (typeof body.id !== 'string' || !ID_PATTERN.test(body.id))) {
    return 'id must be 1 to 64 characters from A-Z, a-z, 0-9, "-" and "."';
  }
  if (
    body.meta !== undefined &&
    (body.meta === null || typeof body.meta !== 'object' || Array.isArray(body.meta))
  ) {
    return 'meta must be an object';
  }
  if (body.name !== undefined) {
    if (!Array.isArray(body.name)) return 'name must be an array of HumanName';
    for (const n of body.name) {
      if (n === null || typeof n !== 'object' || Array.isArray(n))
        return 'each name must be a HumanName object';
      if (n.family !== undefined && typeof n.family !== 'string')
        return 'name.family must be a string';
      if (
        n.given !== undefined &&
        (!Array.isArray(n.given) || n.given.some((g) => typeof g !== 'string'))
      ) {
        return 'name.given must be an array of strings';
      }
    }
  }
  return undefined;
}

/** What is stored: the body without the server-owned id, versionId and lastUpdated. */
export function toStored(body) {
  const { id: _id, meta, ...rest } = body;
  if (meta === undefined) return rest;
  const { versionId: _v, lastUpdated: _l, ...clientMeta } = meta;
  return Object.keys(clientMeta).length > 0 ? { ...rest, meta: clientMeta } : rest;
}

/** The resource as served: resourceType, id and meta first, then the stored fields. */
export function toResource({ id, versionId, lastUpdated, resource }) {
  const { resourceType: _t, meta, ...rest } = resource;
  return {
    resourceType: 'Patient',
    id,
    meta: {
      ...meta,
      versionId: String(versionId),
      lastUpdated: new Date(lastUpdated).toISOString(),
    },
    ...rest,
  };
}

/** Relative version-specific reference: the value of Location and Content-Location. */
export const versionPath = (id, versionId) => `Patient/${id}/_history/${versionId}`;

/** A searchset Bundle with a relative self link (no absolute fullUrl: see the module note). */
export function searchset({ total, matches, name, count }) {
  const query = new URLSearchParams();
  if (name !== undefined) query.set('name', name);
  query.set('_count', String(count));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [{ relation: 'self', url: `Patient?${query}` }],
    entry: matches.map((m) => ({ resource: toResource(m), search: { mode: 'match' } })),
  };
}

/** A minimal CapabilityStatement: what /metadata answers. `date` is when this replica started. */
export function capabilityStatement(startedAt) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: startedAt.toISOString(),
    kind: 'instance',
    software: SOFTWARE,
    implementation: {
      description: 'Reference service of the Marketplace Service Packaging Requirements',
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Patient',
            interaction: [
              { code: 'read' },
              { code: 'vread' },
              { code: 'create' },
              { code: 'update' },
              { code: 'delete' },
              { code: 'search-type' },
            ],
            versioning: 'versioned',
            readHistory: false,
            updateCreate: true,
            searchParam: [
              {
                name: 'name',
                type: 'string',
                documentation: 'Case-insensitive prefix of any family or given name',
              },
            ],
          },
        ],
      },
    ],
  };
}
