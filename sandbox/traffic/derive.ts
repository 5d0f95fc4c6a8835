/**
 * Journeys derived from what a running service publishes, for a task whose rehearsal.yaml
 * declares no `traffic.journeys`: today its CDS Hooks discovery document. Probed once the
 * sandbox is up (the service must answer), through the TLS edge like the traffic itself.
 */
import type { JourneyDeclaration } from '../declaration/types.js';
import {
  cdsJourneys,
  describeDerivation,
  DISCOVERY_PATH,
  type CdsDerivation,
} from './cds/journeys.js';
import { EdgeClient, type EdgeTarget } from './edge-client.js';

export interface DerivedTraffic {
  journeys: JourneyDeclaration[];
  /** The announcement: "journeys from CDS Hooks discovery: 1 service (…)". */
  derivedFrom: string;
  cds: CdsDerivation;
}

/** What the probe found: derived journeys, or why there are none (for `--dry-run` and reports). */
export type Derivation = { derived: DerivedTraffic } | { none: string };

/**
 * Asks the task for `GET /cds-services` (twice at most: a replica may still be warming up) and
 * derives journeys from a CDS Hooks discovery document. Anything else (404, not JSON, JSON of
 * another shape) means the task is not a CDS Hooks service: no journeys, and the reason.
 */
export async function deriveTraffic(target: EdgeTarget, timeoutMs = 5000): Promise<Derivation> {
  const client = new EdgeClient(target, 1);
  try {
    let last = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let status: number;
      let body: string;
      try {
        ({ status, body } = await client.send('GET', DISCOVERY_PATH, {
          headers: { accept: 'application/json' },
          timeoutMs,
        }));
      } catch (err) {
        last = `GET ${DISCOVERY_PATH} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
        continue;
      }
      if (status >= 500) {
        last = `GET ${DISCOVERY_PATH} answered ${status}`;
        continue;
      }
      if (status !== 200)
        return { none: `GET ${DISCOVERY_PATH} answered ${status}: not a CDS Hooks service` };
      let doc: unknown;
      try {
        doc = JSON.parse(body);
      } catch {
        return { none: `GET ${DISCOVERY_PATH} answered 200 but not JSON: not a CDS Hooks service` };
      }
      const cds = cdsJourneys(doc);
      if (!cds)
        return {
          none: `GET ${DISCOVERY_PATH} answered JSON without a "services" array: not CDS Hooks discovery`,
        };
      return { derived: { journeys: cds.journeys, derivedFrom: describeDerivation(cds), cds } };
    }
    return { none: last };
  } finally {
    client.close();
  }
}
