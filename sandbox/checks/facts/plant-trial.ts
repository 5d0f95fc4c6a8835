/** Which string fields of each JSON write body may carry a canary without breaking the write. */
import type { Canaries } from '../../traffic/canary.js';
import type { EdgeClient } from '../../traffic/edge-client.js';
import { fillBody, fillText, prepare, type TrafficSpec } from '../../traffic/journeys.js';
import {
  plantFields,
  stringFields,
  PLANT_HEADER,
  PLANT_QUERY,
  type Planting,
} from '../../traffic/plant.js';

/** Fields tried per journey, at most: each trial is one write the ledger does not follow. */
const MAX_FIELDS = 6;

/**
 * For each write journey with a JSON body, sends one trial write per string field (the write's
 * key left alone) with the patient name appended, and keeps the fields whose answer is still
 * one the journey expects. Returns what was planted where, for the report.
 */
export async function trialPlanting(
  client: EdgeClient,
  spec: TrafficSpec,
  plant: Planting,
  canaries: Canaries,
  runId: string,
): Promise<string[]> {
  const out = [
    `query parameter ${PLANT_QUERY}= and header ${PLANT_HEADER} on every request (the journeys use no canary placeholder)`,
  ];
  let seq = 0;
  for (const j of spec.journeys.filter((x) => x.write && x.body && typeof x.body === 'object')) {
    const fill = { run: `${runId}t`, seq: ++seq, canaries };
    const key = fillText(j.write!.key, fill);
    const fields = stringFields(fillBody(j.body, { ...fill, key }), key).slice(0, MAX_FIELDS);
    const kept: string[] = [];
    const refused: string[] = [];
    for (const field of fields) {
      const req = prepare(j, { ...fill, seq: ++seq, key });
      const body = req.body ? plantFields(req.body, [field], canaries) : undefined;
      if (!body) break;
      const status = await client
        .send(req.method, req.path, { raw: body, headers: req.headers, timeoutMs: 8000 })
        .then((r) => r.status)
        .catch((err: NodeJS.ErrnoException) => err.code ?? 'error');
      if (typeof status === 'number' && j.expect.includes(status)) kept.push(field);
      else refused.push(`${field} (${typeof status === 'number' ? `HTTP ${status}` : status})`);
    }
    if (kept.length > 0) plant.bodies.set(j.name, kept);
    out.push(
      `${j.name}'s body: ${kept.length ? `planted in ${kept.join(', ')}` : 'no field planted'}${refused.length ? `; not in ${refused.join(', ')}, where the answer was no longer one the journey expects` : ''}`,
    );
  }
  return out;
}
