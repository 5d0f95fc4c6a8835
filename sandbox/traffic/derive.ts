/**
 * Journeys derived from what a running service publishes, for a task whose rehearsal.yaml
 * declares no `traffic.journeys`: its CDS Hooks discovery document, else its OpenAPI 3 document
 * (`/openapi.json`, or the path `traffic.openapi` names). Probed once the sandbox is up (the
 * service must answer), through the TLS edge like the traffic itself.
 */
import type { JourneyDeclaration } from '../declaration/types.js';
import {
  cdsJourneys,
  describeDerivation,
  DISCOVERY_PATH,
  type CdsDerivation,
} from './cds/journeys.js';
import { EdgeClient, type EdgeTarget } from './edge-client.js';
import { journeysFromOpenApi, openApiProblem } from './openapi-journeys.js';

export interface DerivedTraffic {
  journeys: JourneyDeclaration[];
  /** The announcement: "journeys from CDS Hooks discovery: 1 service (…)". */
  derivedFrom: string;
  origin: 'cds-hooks' | 'openapi';
  /** The CDS Hooks derivation, when the journeys come from discovery. */
  cds?: CdsDerivation;
  /** Operations of an OpenAPI document left out, with why. */
  skipped?: string[];
}

/** What the probe found: derived journeys, or why there are none (for `--dry-run` and reports). */
export type Derivation = { derived: DerivedTraffic } | { none: string };

/** Where an OpenAPI document is looked for when the task names none. */
export const OPENAPI_PATH = '/openapi.json';

type Fetched = { json: unknown } | { status: number } | { failed: string };

/**
 * GETs `path` as JSON (twice at most: a replica may still be warming up, and a 5xx or a failed
 * connection is tried again).
 */
async function fetchJson(client: EdgeClient, path: string, timeoutMs: number): Promise<Fetched> {
  let last: Fetched = { failed: 'no answer' };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const { status, body } = await client.send('GET', path, {
        headers: { accept: 'application/json' },
        timeoutMs,
      });
      if (status >= 500) {
        last = { status };
        continue;
      }
      if (status !== 200) return { status };
      try {
        return { json: JSON.parse(body) };
      } catch {
        return { failed: 'answered 200 but not JSON' };
      }
    } catch (err) {
      last = {
        failed: `failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      };
    }
  }
  return last;
}

const why = (path: string, f: Exclude<Fetched, { json: unknown }>): string =>
  'status' in f ? `GET ${path} answered ${f.status}` : `GET ${path} ${f.failed}`;

async function fromDiscovery(client: EdgeClient, timeoutMs: number): Promise<Derivation> {
  const f = await fetchJson(client, DISCOVERY_PATH, timeoutMs);
  if (!('json' in f)) return { none: `${why(DISCOVERY_PATH, f)}: not a CDS Hooks service` };
  const cds = cdsJourneys(f.json);
  if (!cds)
    return {
      none: `GET ${DISCOVERY_PATH} answered JSON without a "services" array: not CDS Hooks discovery`,
    };
  return {
    derived: {
      journeys: cds.journeys,
      derivedFrom: describeDerivation(cds),
      origin: 'cds-hooks',
      cds,
    },
  };
}

async function fromOpenApi(
  client: EdgeClient,
  path: string,
  timeoutMs: number,
): Promise<Derivation> {
  const f = await fetchJson(client, path, timeoutMs);
  if (!('json' in f)) return { none: `${why(path, f)}: no OpenAPI document` };
  const problem = openApiProblem(f.json);
  if (problem) return { none: `GET ${path} is not an OpenAPI 3 document: ${problem}` };
  const api = journeysFromOpenApi(f.json as Record<string, unknown>);
  if (api.journeys.length === 0)
    return {
      none: `the OpenAPI document at ${path} gives no journey (${api.skipped.slice(0, 3).join('; ') || 'no paths'})`,
    };
  return {
    derived: {
      journeys: api.journeys,
      derivedFrom: `journeys from the OpenAPI document at ${path}: ${api.summary}${api.skipped.length ? `; ${api.skipped.length} operation(s) left out` : ''}`,
      origin: 'openapi',
      skipped: api.skipped,
    },
  };
}

/**
 * Asks the task for its CDS Hooks discovery (`GET /cds-services`), then for its OpenAPI document,
 * and derives journeys from the first that answers as one. Otherwise no journeys, and why.
 */
export async function deriveTraffic(
  target: EdgeTarget,
  timeoutMs = 5000,
  openapiPath = OPENAPI_PATH,
): Promise<Derivation> {
  const client = new EdgeClient(target, 1);
  try {
    const cds = await fromDiscovery(client, timeoutMs);
    if ('derived' in cds) return cds;
    const api = await fromOpenApi(client, openapiPath, timeoutMs);
    if ('derived' in api) return api;
    return { none: `${cds.none}; ${api.none}` };
  } finally {
    client.close();
  }
}
