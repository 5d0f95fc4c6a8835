import { setTimeout as sleep } from 'node:timers/promises';
import type { JourneyDeclaration } from '../declaration/types.js';
import { EdgeClient, type EdgeReply, type EdgeTarget } from './edge-client.js';
import { Figures, type TrafficSample } from './figures.js';
import {
  fillText,
  pointerString,
  prepare,
  weightedCycle,
  type Fill,
  type PreparedRequest,
  type TrafficSpec,
} from './journeys.js';
import { Ledger, type WriteCheck, type WriteRecord } from './ledger.js';
import type { PersonaToken } from './persona-token.js';
import { verifyWrite } from './verify-write.js';
import { WebSocketTraffic } from './websocket-traffic.js';
import type { Canaries } from './canary.js';
import { plantRequest, type Planting } from './plant.js';
import { SessionTraffic, type JourneyCounts } from './session-traffic.js';
import { ConformanceTally } from './conformance.js';

export interface TrafficOptions {
  target: EdgeTarget;
  /** The replica (its `X-Replica` name) an edge backend address stands for. */
  replicaOfBackend?: (address: string) => string | undefined;
  spec: TrafficSpec;
  /** Logs the persona in at the sandbox's IdP (needed when the spec has a persona journey). */
  personaToken?: () => Promise<PersonaToken>;
  /** Requests per second, at most. */
  rps: number;
  /** Requests in flight, at most. */
  concurrency: number;
  /** Hard limits: the generator stops at whichever comes first (or at `stop()`). */
  durationMs: number;
  maxRequests: number;
  /** Fills `{run}`: tags this run's data, so checks find only it. */
  runId: string;
  /** Fills `{patient_name}`, `{mrn}`, …: the synthetic PHI `check` searches the logs for. */
  canaries?: Canaries;
  /** Plants the canaries in requests whose journeys use no placeholder for them. */
  plant?: Planting;
  onSample?: (s: TrafficSample) => void;
  sampleEveryMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

type Step =
  | { kind: 'request'; journey: JourneyDeclaration }
  | { kind: 'readback'; journey: JourneyDeclaration }
  | { kind: 'session' }
  | { kind: 'persona' };

export type { JourneyCounts } from './session-traffic.js';

/**
 * Live traffic through the TLS edge, as `TrafficSpec` says: plain requests; writes whose
 * acknowledged id is recorded and read back later (the write-then-read ledger); a session issued
 * by one replica and presented to whichever replica the edge picks; a persona's access token
 * from the sandbox's IdP presented the same way; and WebSocket echoes. Bounded in rate, count and
 * time; aimed only at 127.0.0.1.
 */
export class TrafficGenerator {
  readonly ledger = new Ledger();
  readonly figures: Figures;
  readonly journeys: JourneyCounts = {};
  /** Answers of derived journeys checked against their protocol (CDS Hooks). */
  readonly conformance = new ConformanceTally();
  readonly websocket: WebSocketTraffic | undefined;
  /** First time (ms since start) each replica answered. */
  readonly firstSeen = new Map<string, number>();
  readonly start: number;
  private readonly client: EdgeClient;
  private readonly now: () => number;
  private readonly cycle: Step[];
  private stopped = false;
  private sent = 0;
  private requestSeq = 0;
  private writeSeq = 0;
  private readonly sessions: SessionTraffic;
  private readonly toReadBack = new Map<string, WriteRecord[]>();
  private running: Promise<void> | undefined;

  constructor(private readonly o: TrafficOptions) {
    this.now = o.now ?? Date.now;
    this.start = this.now();
    this.figures = new Figures(this.now, this.start);
    this.client = new EdgeClient(o.target, o.concurrency, o.replicaOfBackend);
    const { spec } = o;
    this.cycle = weightedCycle<Step>([
      ...spec.journeys.flatMap((journey) => [
        { item: { kind: 'request' as const, journey }, weight: journey.weight },
        ...(journey.write
          ? [{ item: { kind: 'readback' as const, journey }, weight: journey.write.read.weight }]
          : []),
      ]),
      ...(spec.session
        ? [{ item: { kind: 'session' as const }, weight: spec.session.weight }]
        : []),
      ...(spec.persona && o.personaToken
        ? [{ item: { kind: 'persona' as const }, weight: spec.persona.weight }]
        : []),
    ]);
    this.sessions = new SessionTraffic({
      spec,
      ...(o.personaToken ? { personaToken: o.personaToken } : {}),
      ledger: this.ledger,
      journeys: this.journeys,
      call: (journey, req, expect) => this.call(journey, req, expect),
      fill: () => this.fill(),
      elapsed: () => this.elapsed(),
    });
    if (spec.websocket)
      this.websocket = new WebSocketTraffic(
        o.target,
        spec.websocket,
        () => this.elapsed(),
        o.replicaOfBackend,
      );
  }

  /** Starts the workers and sockets; resolves when they stop. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Stops after the requests in flight; resolves when they are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.websocket?.stop();
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
    const sockets = this.websocket?.run();
    try {
      if (this.cycle.length > 0)
        await Promise.all(Array.from({ length: this.o.concurrency }, (_, w) => this.worker(w)));
      // Sockets alone: they run until the end.
      else while (!this.stopped && this.elapsed() < this.o.durationMs) await sleep(100);
    } finally {
      this.websocket?.stop();
      await sockets;
      // Outside chaos no fault explains an unanswered message; a chaos run settles again with
      // its actions' reach.
      this.websocket?.settle();
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
      const step = this.cycle[i % this.cycle.length];
      if (step) await this.step(step);
    }
  }

  private async call(
    journey: string,
    req: PreparedRequest,
    expect: number[],
  ): Promise<EdgeReply | undefined> {
    const t0 = this.now();
    let reply: EdgeReply | undefined;
    let cause: string | undefined;
    if (this.o.plant && this.o.canaries)
      req = plantRequest(req, journey, this.o.canaries, this.o.plant);
    try {
      reply = await this.client.send(req.method, req.path, {
        ...(req.body ? { raw: req.body } : {}),
        headers: req.headers ?? {},
        timeoutMs: this.o.timeoutMs ?? 8000,
      });
      if (!expect.includes(reply.status)) cause = `HTTP ${reply.status}`;
    } catch (err) {
      cause = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    this.figures.record(this.now() - t0, reply?.replica, cause);
    const counts = (this.journeys[journey] ??= { sent: 0, ok: 0 });
    counts.sent++;
    if (!cause) counts.ok++;
    if (reply?.replica && !this.firstSeen.has(reply.replica))
      this.firstSeen.set(reply.replica, this.now() - this.start);
    if (cause)
      this.ledger.push(this.ledger.failures, {
        at: t0 - this.start,
        journey,
        cause,
        ...(reply?.replica ? { replica: reply.replica } : {}),
      });
    return reply;
  }

  private fill(extra: Partial<Fill> = {}): Fill {
    return {
      run: this.o.runId,
      seq: ++this.requestSeq,
      ...(this.o.canaries ? { canaries: this.o.canaries } : {}),
      ...extra,
    };
  }

  private async step(s: Step): Promise<void> {
    switch (s.kind) {
      case 'request':
        if (s.journey.write) return this.write(s.journey);
        return this.request(s.journey);
      case 'readback':
        return this.readBack(s.journey);
      case 'session':
        return this.sessions.useSession();
      case 'persona':
        return this.sessions.usePersona();
    }
  }

  private async request(j: JourneyDeclaration): Promise<void> {
    const r = await this.call(j.name, prepare(j, this.fill()), j.expect);
    if (r && j.conforms && j.expect.includes(r.status))
      this.conformance.record(j, r.body, r.replica);
  }

  private async write(j: JourneyDeclaration): Promise<void> {
    const w = j.write!;
    const seq = ++this.writeSeq;
    const fill = this.fill({ seq });
    fill.key = fillText(w.key, fill);
    const r = await this.call(j.name, prepare(j, fill), j.expect);
    let id: string | undefined;
    if (r && j.expect.includes(r.status)) {
      try {
        id = pointerString(JSON.parse(r.body), w.id);
      } catch {
        id = undefined; // An answer without a readable id is not an acknowledgement we can check.
      }
    }
    const record: WriteRecord = {
      seq,
      journey: j.name,
      key: fill.key,
      at: this.elapsed(),
      acked: id !== undefined,
      ...(id ? { id, resource: fillText(w.read.path, { ...fill, id }).replace(/^\//, '') } : {}),
      ...(r?.replica ? { replica: r.replica } : {}),
      ...(r ? { status: r.status } : {}),
    };
    this.ledger.push(this.ledger.writes, record);
    if (record.acked) {
      const queue = this.toReadBack.get(j.name) ?? [];
      queue.push(record);
      this.toReadBack.set(j.name, queue);
    }
  }

  private async readBack(j: JourneyDeclaration): Promise<void> {
    const w = this.toReadBack.get(j.name)?.shift();
    const read = j.write!.read;
    if (w?.id) {
      const fill = this.fill({ key: w.key, id: w.id });
      await this.call(`${j.name}:read`, prepare(read, fill), read.expect);
      return;
    }
    // Nothing acknowledged yet: a plain read keeps the pace.
    const plain = this.o.spec.journeys.find((x) => !x.write);
    if (plain) await this.call(plain.name, prepare(plain, this.fill()), plain.expect);
  }

  /**
   * Reads each acknowledged write back as its journey's `verify` says: found exactly once, with
   * the acknowledged id, is right. Retries what does not answer (a replica may be starting).
   */
  async verify(writes: WriteRecord[], concurrency = 6): Promise<WriteCheck[]> {
    const out: WriteCheck[] = [];
    const queue = [...writes];
    const byName = new Map(this.o.spec.journeys.map((j) => [j.name, j]));
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          const spec = byName.get(w.journey)?.write;
          if (spec) out.push(await verifyWrite(this.client, w, spec.verify, this.o.runId));
        }
      }),
    );
    return out.sort((a, b) => a.write.seq - b.write.seq);
  }

  close(): void {
    this.client.close();
  }
}
