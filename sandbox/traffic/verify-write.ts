import { setTimeout as sleep } from 'node:timers/promises';
import type { WriteDeclaration } from '../declaration/types.js';
import type { EdgeClient } from './edge-client.js';
import { fillText, pointerValues } from './journeys.js';
import type { WriteCheck, WriteRecord } from './ledger.js';

/**
 * Looks for one acknowledged write as `verify` says. With `count`, the number at that pointer is
 * how many are stored (0 lost, 2+ duplicated); without it, a 2xx means one and 404/410 none. With
 * `ids`, the acknowledged id must be among the ids at that pointer. Retries what does not answer
 * (a replica may be starting); gives up after six tries.
 */
export async function verifyWrite(
  client: EdgeClient,
  w: WriteRecord,
  verify: WriteDeclaration['verify'],
  runId: string,
): Promise<WriteCheck> {
  const path = fillText(
    verify.path,
    { run: runId, seq: w.seq, key: w.key, ...(w.id ? { id: w.id } : {}) },
    true,
  );
  let error = 'no answer';
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const r = await client.send('GET', path, { timeoutMs: 8000 });
      if (r.status >= 200 && r.status < 300) {
        const body: unknown = verify.count || verify.ids ? JSON.parse(r.body) : undefined;
        const counted = verify.count ? pointerValues(body, verify.count)[0] : 1;
        if (typeof counted === 'number') {
          const ids = verify.ids ? pointerValues(body, verify.ids).map(String) : undefined;
          return { write: w, found: counted, sameId: ids ? ids.includes(w.id ?? '') : true };
        }
        error = `no number at ${verify.count} in the answer`;
      } else if (!verify.count && (r.status === 404 || r.status === 410)) {
        return { write: w, found: 0, sameId: false };
      } else error = `HTTP ${r.status}`;
    } catch (err) {
      error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    await sleep(500);
  }
  return { write: w, found: -1, sameId: false, error };
}
