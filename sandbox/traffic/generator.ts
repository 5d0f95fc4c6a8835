import { setTimeout as sleep } from 'node:timers/promises';
import { EdgeClient, type EdgeReply, type EdgeTarget } from './edge-client.js';
import { Figures, type TrafficSample } from './figures.js';
import { Ledger, type WriteCheck, type WriteRecord } from './ledger.js';

export interface TrafficOptions {
  target: EdgeTarget;
  /** Requests per second, at most. */
  rps: number;
  /** Requests in flight, at most. */
  concurrency: number;
  /** Hard limits: the generator stops at whichever comes first (or at `stop()`). */
  durationMs: number;
  maxRequests: number;
  /** Tags this run's Patients, so checks find only them. */
  runId: string;
  onSample?: (s: TrafficSample) => void;
  sampleEveryMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** The journeys in the order each worker cycles through them. */
const CYCLE = [
  'write',
  'read',
  'session',
  'readback',
  'write',
  'session',
  'read',
  'session',
] as const;
type Journey = (typeof CYCLE)[number];
/** A session is replaced after this many checks, so many tokens meet many replicas. */
const USES_PER_SESSION = 9;

/**
 * Live traffic through the TLS edge: anonymous reads (a search), write-then-read (every
 * acknowledged write is recorded and read back later), and a session journey (a token issued by
 * one replica presented to whichever replica the edge picks). Bounded in rate, count and time;
 * aimed only at 127.0.0.1. The session's credential comes from the service (`POST /session`)
 * here; a token from the sandbox's identity provider can take its place.
 */
export class TrafficGenerator {
  readonly ledger = new Ledger();
  readonly figures: Figures;
  /** First time (ms since start) each replica answered. */
  readonly firstSeen = new Map<string, number>();
  readonly start: number;
  private readonly client: EdgeClient;
  private readonly now: () => number;
  private stopped = false;
  private sent = 0;
  private writeSeq = 0;
  private sessionSeq = 0;
  private session: { n: number; token: string; issuer: string; uses: number } | undefined;
  private sessionPending: Promise<void> | undefined;
  private readonly toReadBack: WriteRecord[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly o: TrafficOptions) {
    this.now = o.now ?? Date.now;
    this.start = this.now();
    this.figures = new Figures(this.now, this.start);
    this.client = new EdgeClient(o.target, o.concurrency);
  }

  /** Starts the workers; resolves when they stop. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Stops after the requests in flight; resolves when they are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  elapsed(): number {
    return this.now() - this.start;
  }

  private async loop(): Promise<void> {
    const sampler = setInterval(
      () => this.o.onSample?.(this.figures.sample()),
      this.o.sampleEveryMs ?? 1000,
    );
    try {
      await Promise.all(Array.from({ length: this.o.concurrency }, (_, w) => this.worker(w)));
    } finally {
      clearInterval(sampler);
      this.o.onSample?.(this.figures.sample());
    }
  }

  private async worker(w: number): Promise<void> {
    for (let i = w; ; i++) {
      const slot = this.sent;
      if (this.stopped || slot >= this.o.maxRequests || this.elapsed() >= this.o.durationMs) return;
      this.sent++;
      // Pace: request n is not sent before start + n / rps.
      const due = this.start + (slot * 1000) / this.o.rps - this.now();
      if (due > 0) await sleep(due);
      if (this.stopped) return;
      await this.journey(CYCLE[i % CYCLE.length] ?? 'read');
    }
  }

  private async call(
    journey: Journey | 'login',
    method: string,
    path: string,
    expect: number,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<EdgeReply | undefined> {
    const t0 = this.now();
    let reply: EdgeReply | undefined;
    let cause: string | undefined;
    try {
      reply = await this.client.send(method, path, {
        ...options,
        timeoutMs: this.o.timeoutMs ?? 8000,
      });
      if (reply.status !== expect) cause = `HTTP ${reply.status}`;
    } catch (err) {
      cause = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    this.figures.record(this.now() - t0, reply?.replica, cause);
    if (reply?.replica && !this.firstSeen.has(reply.replica))
      this.firstSeen.set(reply.replica, this.now() - this.start);
    if (cause) this.ledger.push(this.ledger.failures, { at: t0 - this.start, journey, cause });
    return reply;
  }

  private async journey(j: Journey): Promise<void> {
    switch (j) {
      case 'read':
        await this.call(j, 'GET', `/Patient?name=${this.o.runId}&_count=1`, 200);
        return;
      case 'write':
        return this.write();
      case 'readback': {
        const w = this.toReadBack.shift();
        if (w?.id) await this.call(j, 'GET', `/Patient/${w.id}`, 200);
        else await this.call('read', 'GET', '/metadata', 200);
        return;
      }
      case 'session':
        return this.useSession();
    }
  }

  private async write(): Promise<void> {
    const seq = ++this.writeSeq;
    const family = familyOf(this.o.runId, seq);
    const r = await this.call('write', 'POST', '/Patient', 201, {
      body: { resourceType: 'Patient', name: [{ family, given: [`w${seq}`] }] },
    });
    let id: string | undefined;
    try {
      if (r?.status === 201) id = (JSON.parse(r.body) as { id?: string }).id;
    } catch {
      id = undefined; // A 201 without a readable body is not an acknowledgement we can check.
    }
    const record: WriteRecord = {
      seq,
      family,
      at: this.elapsed(),
      acked: id !== undefined,
      ...(id ? { id } : {}),
      ...(r?.replica ? { replica: r.replica } : {}),
      ...(r ? { status: r.status } : {}),
    };
    this.ledger.push(this.ledger.writes, record);
    if (record.acked) this.toReadBack.push(record);
  }

  private async useSession(): Promise<void> {
    if (!this.session || this.session.uses >= USES_PER_SESSION) {
      this.sessionPending ??= this.login().finally(() => (this.sessionPending = undefined));
      await this.sessionPending;
      return;
    }
    const s = this.session;
    s.uses++;
    const r = await this.call('session', 'GET', '/session', 200, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    if (r?.replica) {
      this.ledger.push(this.ledger.sessions, {
        session: s.n,
        issuer: s.issuer,
        replica: r.replica,
        status: r.status,
        at: this.elapsed(),
      });
    }
  }

  private async login(): Promise<void> {
    const r = await this.call('login', 'POST', '/session', 201);
    if (r?.status !== 201 || !r.replica) return;
    try {
      const token = (JSON.parse(r.body) as { token?: string }).token;
      if (token) this.session = { n: ++this.sessionSeq, token, issuer: r.replica, uses: 0 };
    } catch {
      // Not a session answer: the next session journey logs in again.
    }
  }

  /**
   * Looks for each write with a search on its unique family name: found exactly once, with the
   * acknowledged id, is right. Retries what does not answer (a replica may be starting).
   */
  async verify(writes: WriteRecord[], concurrency = 6): Promise<WriteCheck[]> {
    const out: WriteCheck[] = [];
    const queue = [...writes];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let w = queue.shift(); w; w = queue.shift()) out.push(await this.check(w));
      }),
    );
    return out.sort((a, b) => a.write.seq - b.write.seq);
  }

  private async check(w: WriteRecord): Promise<WriteCheck> {
    let error = 'no answer';
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        const r = await this.client.send(
          'GET',
          `/Patient?name=${encodeURIComponent(w.family)}&_count=5`,
          {
            timeoutMs: 8000,
          },
        );
        if (r.status === 200) {
          const b = JSON.parse(r.body) as {
            total?: number;
            entry?: { resource?: { id?: string } }[];
          };
          const found = b.total ?? 0;
          return { write: w, found, sameId: (b.entry ?? []).some((e) => e.resource?.id === w.id) };
        }
        error = `HTTP ${r.status}`;
      } catch (err) {
        error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      }
      await sleep(500);
    }
    return { write: w, found: -1, sameId: false, error };
  }

  close(): void {
    this.client.close();
  }
}

/**
 * The family name of write `seq`: a search is a prefix match, so it ends with a separator that
 * keeps "…-w1-" from matching "…-w10-".
 */
export function familyOf(runId: string, seq: number): string {
  return `${runId}-w${seq}-`;
}
