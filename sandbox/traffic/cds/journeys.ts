/**
 * Journeys derived from a CDS Hooks service's own discovery document: `GET /cds-services`, then
 * each service it lists called as a CDS Client would (CDS Hooks 2.0, "Calling a CDS Service"):
 * `hook`, a fresh `hookInstance`, the hook's `context` and the `prefetch` its own templates ask
 * for, filled from the synthetic patient who carries the run's canaries. Every successful answer
 * must conform to the protocol's schema (./schema.ts).
 */
import type { JourneyDeclaration } from '../../declaration/types.js';
import { discoveryProblems } from './schema.js';
import { evaluatePrefetch } from './prefetch.js';
import { hookContext, syntheticRecord } from './record.js';

export const DISCOVERY_PATH = '/cds-services';

/** One service of the discovery document, as the derived journey calls it. */
export interface DerivedService {
  id: string;
  hook: string;
  /** The prefetch keys sent (filled from the synthetic record; null where it has no data). */
  prefetch: string[];
  /** Keys left out, with why (a token the hook's context does not have). */
  omitted: string[];
  /** False for a hook Rehearsal has no context definition for (a generic context is sent). */
  knownHook: boolean;
}

export interface CdsDerivation {
  services: DerivedService[];
  journeys: JourneyDeclaration[];
  /** Where the discovery document departs from the specification (JSON pointer: problem). */
  problems: string[];
}

/** The service's journey name, e.g. "cds:patient-greeting". */
export const serviceJourney = (id: string) => `cds:${id}`;

/** Whether a document is meant as CDS Hooks discovery: an object with a `services` array. */
export function looksLikeDiscovery(doc: unknown): boolean {
  return (
    !!doc && typeof doc === 'object' && Array.isArray((doc as { services?: unknown }).services)
  );
}

/** The journeys for a discovery document (undefined when it is not one). */
export function cdsJourneys(doc: unknown): CdsDerivation | undefined {
  if (!looksLikeDiscovery(doc)) return undefined;
  const problems = discoveryProblems(doc);
  const listed = (doc as { services: unknown[] }).services;
  const services: DerivedService[] = [];
  const journeys: JourneyDeclaration[] = [
    {
      name: 'cds:discovery',
      method: 'GET',
      path: DISCOVERY_PATH,
      expect: [200],
      weight: 1,
      conforms: 'cds-hooks-discovery',
    },
  ];
  const record = syntheticRecord();
  for (const raw of listed) {
    const s = raw as { id?: unknown; hook?: unknown; prefetch?: unknown };
    // A service without a usable id or hook cannot be called; the problems above say why.
    if (typeof s.id !== 'string' || !s.id || typeof s.hook !== 'string' || !s.hook) continue;
    const templates = stringEntries(s.prefetch);
    const { context, known } = hookContext(s.hook);
    const { prefetch, omitted } = evaluatePrefetch(templates, context, record);
    services.push({
      id: s.id,
      hook: s.hook,
      prefetch: Object.keys(prefetch),
      omitted,
      knownHook: known,
    });
    journeys.push({
      name: serviceJourney(s.id),
      method: 'POST',
      path: `${DISCOVERY_PATH}/${encodeURIComponent(s.id)}`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: {
        hook: s.hook,
        hookInstance: '{uuid}',
        context,
        ...(Object.keys(prefetch).length ? { prefetch } : {}),
      },
      expect: [200],
      weight: 3,
      conforms: 'cds-hooks-response',
    });
  }
  return { services, journeys, problems };
}

function stringEntries(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** One line for the announcement: "journeys from CDS Hooks discovery: 2 services (a on patient-view, …)". */
export function describeDerivation(d: CdsDerivation): string {
  const n = d.services.length;
  const list = d.services.map((s) => `${s.id} on ${s.hook}`).join(', ');
  return `journeys from CDS Hooks discovery: ${n} service${n === 1 ? '' : 's'}${n ? ` (${list})` : ''}`;
}
