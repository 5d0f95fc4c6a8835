/** Every write the generator made and what the service answered: the evidence for data verdicts. */
export interface WriteRecord {
  seq: number;
  /** The write journey that made it. */
  journey: string;
  /** The unique key the write carries (its `{key}`); the final check looks for it. */
  key: string;
  /** Where the acknowledged write is read back, e.g. "Patient/123" (set once acknowledged). */
  resource?: string;
  /** Milliseconds since the traffic started, when the answer came. */
  at: number;
  /** True when the service acknowledged it (an expected status and an id). */
  acked: boolean;
  id?: string;
  replica?: string;
  status?: number;
}

/** One use of a session token: who issued it, who was asked, what they answered. */
export interface SessionUse {
  /** A short, non-secret name for the token (its first characters are never logged). */
  session: number;
  /**
   * The replica that issued the token; for a persona's IdP token, the first replica that
   * honoured it ("the IdP" until one has).
   */
  issuer: string;
  /** Set for an access token the sandbox's IdP issued to this persona. */
  persona?: string;
  replica: string;
  status: number;
  at: number;
}

/** A request that failed: when, which journey, and why. */
export interface Failure {
  at: number;
  journey: string;
  cause: string;
  /**
   * The replica that answered, when one did; a failed HTTP answer without one came from the edge
   * itself (no replica got the request).
   */
  replica?: string;
}

/** What the final verification found for one acknowledged write. */
export interface WriteCheck {
  write: WriteRecord;
  /** How many stored records carry its key (1 is right; 0 lost; 2+ duplicated; -1 unknown). */
  found: number;
  /** Whether the found record has the acknowledged id. */
  sameId: boolean;
  /** Set when the check itself could not get an answer. */
  error?: string;
}

/** Bounded lists: a long run keeps the first `cap` entries of each and counts the rest. */
export class Ledger {
  readonly writes: WriteRecord[] = [];
  readonly sessions: SessionUse[] = [];
  readonly failures: Failure[] = [];
  dropped = 0;

  constructor(private readonly cap = 100_000) {}

  push<T>(list: T[], item: T): void {
    if (list.length < this.cap) list.push(item);
    else this.dropped++;
  }

  acked(before = Number.POSITIVE_INFINITY): WriteRecord[] {
    return this.writes.filter((w) => w.acked && w.at < before);
  }
}
