/** After a kill: how long until a replacement was healthy, and until it answered traffic. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { TrafficGenerator } from '../traffic/generator.js';
import type { ReplicaRoster } from './replica-roster.js';
import type { ActionResult } from './report.js';

/**
 * Sets the kill's replacement figures on `result`: a replacement is a replica running now that
 * was not in `before`, the replicas running when the kill began at `startAt`.
 */
export async function timeReplacement(
  roster: ReplicaRoster,
  traffic: TrafficGenerator,
  before: Set<string>,
  startAt: number,
  result: ActionResult,
): Promise<void> {
  const fresh = roster.freshSince(before);
  const healthy = roster.firstHealthy(fresh);
  if (healthy !== undefined) result.replacementHealthyMs = healthy - startAt;
  await settleServing(traffic, fresh, startAt, result);
}

/** A replacement that had not served yet when the kill's window closed: note it when it does. */
async function settleServing(
  traffic: TrafficGenerator,
  fresh: string[],
  startAt: number,
  result: ActionResult,
): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const served = fresh
      .map((id) => traffic.firstSeen.get(id))
      .filter((t): t is number => t !== undefined);
    if (served.length) {
      result.replacementServingMs = Math.min(...served) - startAt;
      return;
    }
    await sleep(250);
  }
}
