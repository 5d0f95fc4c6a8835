/**
 * Telling a fault from a loss on a WebSocket: a message unanswered within the deadline is
 * *stalled* when a chaos action had its replica (paused, cut off, stopping, draining, replaced,
 * its database restarting) at any moment of the message's wait, and *lost* only when nothing
 * touched that replica. Pure: the socket figures come in, the verdict on each message goes out.
 */

/** A message that got no echo within the deadline, on a socket that stayed open. */
export interface Unanswered {
  /** When it was sent (ms since the traffic started). */
  at: number;
  /** The replica that held the socket: its container id or name, or the edge's backend address. */
  replica: string;
  message: string;
}

/** How far an action reached: the replicas it touched (container names) and when. */
export interface FaultReach {
  seq: number;
  startAt: number;
  /** Undefined while the action had not settled when the run ended: open to the end. */
  endAt?: number;
  /** Container names, or every replica (a database restart, an action that failed midway). */
  replicas: readonly string[] | 'all';
}

export interface StalledMessage extends Unanswered {
  /** The action it is attributed to: of those that reached its replica, the one that began last. */
  seq: number;
}

export interface Classified {
  stalled: StalledMessage[];
  lost: Unanswered[];
}

/**
 * Sorts unanswered messages into stalled (with the action they wait on) and lost. A message
 * waits from `at` to `at + deadlineMs`; an action's reach overlaps it when the action began
 * before the deadline ran out and had not settled when the message was sent. `nameOf` turns a
 * socket's replica (short container id, backend address) into the container name actions use.
 */
export function classifyUnanswered(
  items: readonly Unanswered[],
  faults: readonly FaultReach[],
  deadlineMs: number,
  nameOf: (replica: string) => string = (r) => r,
): Classified {
  const stalled: StalledMessage[] = [];
  const lost: Unanswered[] = [];
  for (const m of items) {
    const name = nameOf(m.replica);
    let owner: FaultReach | undefined;
    for (const f of faults) {
      if (f.startAt > m.at + deadlineMs) continue;
      if (f.endAt !== undefined && f.endAt < m.at) continue;
      if (f.replicas !== 'all' && !f.replicas.includes(name) && !f.replicas.includes(m.replica))
        continue;
      if (!owner || f.startAt > owner.startAt || (f.startAt === owner.startAt && f.seq > owner.seq))
        owner = f;
    }
    if (owner) stalled.push({ ...m, seq: owner.seq });
    else lost.push(m);
  }
  return { stalled, lost };
}
