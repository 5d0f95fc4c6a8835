import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { WebSocketDeclaration } from '../declaration/types.js';
import type { EdgeTarget } from './edge-client.js';
import {
  classifyUnanswered,
  type FaultReach,
  type StalledMessage,
  type Unanswered,
} from './websocket-accounting.js';

/** What the sockets saw, in total and per replica. */
export interface WebSocketFigures {
  path: string;
  /** Handshakes that succeeded. */
  opened: number;
  /** Handshakes that failed, by cause. */
  openFailures: Record<string, number>;
  /** Sockets that closed under us and were opened again, by the replica that held them. */
  reconnects: Record<string, number>;
  /** Of those, sockets we closed ourselves because no pong came back in time (half-open). */
  silentClosed: number;
  sent: number;
  /** Messages echoed within the deadline. */
  echoed: number;
  /** Messages echoed after the deadline (their replica was held up, then answered). */
  late: number;
  /** Messages in flight when their socket dropped: the reconnect's cost, not lost data. */
  inFlightAtDrop: number;
  /**
   * Messages unanswered within the deadline on a socket that stayed open, not yet sorted into
   * stalled or lost (that needs the chaos run's actions: `settle`).
   */
  unanswered: number;
  /** Unanswered while a chaos action had their replica: the fault's cost, not the service's. */
  stalled: number;
  /** Unanswered with no fault on their replica, or echoed wrong: data the service dropped. */
  lost: number;
  /** Sockets open, by replica, right now. */
  open: Record<string, number>;
}

/** A socket that dropped: when (ms since the traffic started) and which replica held it. */
export interface SocketDrop {
  at: number;
  replica: string;
  inFlight: number;
  /** `closed`: the socket closed under us; `silent`: we closed it, no pong came back in time. */
  cause: 'closed' | 'silent';
}

/** A handshake that failed, for attribution to the chaos action it falls in. */
export interface SocketFailure {
  at: number;
  cause: string;
}

/** How long a message may wait for its echo before it counts as unanswered. */
export const ECHO_DEADLINE_MS = 5000;
/** A ping every second; a socket with no pong for 3 s is dead (half-open) and is replaced. */
const PING_EVERY_MS = 1000;
const PONG_DEADLINE_MS = 3000;

/**
 * WebSocket journeys through the TLS edge: `sockets` connections each send a numbered message
 * every `intervalMs` and expect `echo <message>` back. A socket that closes under us (its replica
 * was killed, stopped or drained) is opened again at once, through the edge to any replica, and
 * counted as a reconnect of the replica that held it; its unanswered messages count as in flight
 * at the drop. A socket whose replica is paused or cut off stays open but goes silent: a ping
 * deadline notices (the pong travels the same path as the echo) and the socket is closed and
 * replaced, as a careful client would. A message still unanswered after the echo deadline on a
 * socket that kept answering pings is sorted at the end: stalled by the fault that had its
 * replica, or lost.
 */
export class WebSocketTraffic {
  readonly figures: WebSocketFigures;
  readonly drops: SocketDrop[] = [];
  readonly failures: SocketFailure[] = [];
  /** Stalled messages, each with the action it is attributed to (after `settle`). */
  stalled: StalledMessage[] = [];
  /** Lost messages (after `settle`). */
  lostMessages: Unanswered[] = [];
  private stopped = false;
  private readonly live = new Set<WebSocket>();
  private readonly unanswered = new Map<string, Unanswered>();
  private wrong = 0;
  private seq = 0;

  constructor(
    private readonly target: EdgeTarget,
    private readonly spec: WebSocketDeclaration,
    private readonly elapsed: () => number,
    /** The replica behind an edge backend address, for services that do not send X-Replica. */
    private readonly replicaOfBackend?: (address: string) => string | undefined,
  ) {
    this.figures = {
      path: spec.path,
      opened: 0,
      openFailures: {},
      reconnects: {},
      silentClosed: 0,
      sent: 0,
      echoed: 0,
      late: 0,
      inFlightAtDrop: 0,
      unanswered: 0,
      stalled: 0,
      lost: 0,
      open: {},
    };
  }

  /** Runs the sockets until `stop()`. */
  run(): Promise<void> {
    return Promise.all(Array.from({ length: this.spec.sockets }, () => this.socketLoop())).then(
      () => undefined,
    );
  }

  stop(): void {
    this.stopped = true;
    for (const ws of this.live) ws.close(1000, 'traffic stopped');
  }

  /**
   * Sorts the unanswered messages into stalled and lost, given the chaos actions' reach (none
   * outside chaos: then every unanswered message is lost). `nameOf` maps a socket's replica to
   * the container name the actions use. Messages echoed wrong are lost whatever the faults.
   */
  settle(faults: readonly FaultReach[] = [], nameOf?: (replica: string) => string): void {
    const { stalled, lost } = classifyUnanswered(
      [...this.unanswered.values()],
      faults,
      ECHO_DEADLINE_MS,
      nameOf,
    );
    this.stalled = stalled;
    this.lostMessages = lost;
    this.figures.stalled = stalled.length;
    this.figures.lost = lost.length + this.wrong;
  }

  private async socketLoop(): Promise<void> {
    while (!this.stopped) {
      const dropped = await this.session();
      // A refused handshake waits a little; a dropped socket reconnects at once.
      if (!dropped && !this.stopped) await sleep(250);
    }
  }

  /** One socket from open to close; true when it had opened (and then dropped). */
  private session(): Promise<boolean> {
    const t = this.target;
    // ws hands TLS options to tls.connect; its types omit `servername` (SNI for an IP address).
    const options: WebSocket.ClientOptions & { servername: string } = {
      headers: { host: `${t.host}:${t.port}` },
      servername: t.host,
      ca: t.ca,
      handshakeTimeout: 8000,
    };
    const ws = new WebSocket(`wss://127.0.0.1:${t.port}${this.spec.path}`, options);
    this.live.add(ws);
    const pending = new Map<string, number>();
    let replica = 'an unknown replica';
    let opened = false;
    let silent = false;
    let lastPong = 0;
    let timer: NodeJS.Timeout | undefined;
    let pinger: NodeJS.Timeout | undefined;
    return new Promise((resolve) => {
      ws.on('upgrade', (res: IncomingMessage) => {
        const named = res.headers['x-replica'];
        const backend = res.headers['x-rehearsal-backend'];
        if (typeof named === 'string') replica = named;
        else if (typeof backend === 'string') replica = this.replicaOfBackend?.(backend) ?? backend;
      });
      ws.on('unexpected-response', (_req, res: IncomingMessage) => {
        this.failed(`HTTP ${res.statusCode ?? 0}`);
        res.resume();
        ws.terminate();
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        if (!opened) this.failed(err.code ?? err.message);
      });
      ws.on('pong', () => {
        lastPong = this.elapsed();
      });
      ws.on('open', () => {
        opened = true;
        lastPong = this.elapsed();
        this.figures.opened++;
        this.figures.open[replica] = (this.figures.open[replica] ?? 0) + 1;
        pinger = setInterval(() => {
          if (ws.readyState !== WebSocket.OPEN) return;
          if (this.elapsed() - lastPong > PONG_DEADLINE_MS) {
            silent = true;
            ws.terminate();
          } else ws.ping();
        }, PING_EVERY_MS);
        const tick = () => {
          const now = this.elapsed();
          for (const [m, sentAt] of pending)
            if (now - sentAt > ECHO_DEADLINE_MS) {
              pending.delete(m);
              this.unanswered.set(m, { at: sentAt, replica, message: m });
              this.figures.unanswered++;
            }
          if (this.stopped || ws.readyState !== WebSocket.OPEN) return;
          const m = `m${++this.seq}`;
          pending.set(m, now);
          this.figures.sent++;
          ws.send(m);
          timer = setTimeout(tick, this.spec.intervalMs);
        };
        tick();
      });
      ws.on('message', (data: WebSocket.RawData) => {
        const text = String(data as Buffer);
        const m = text.startsWith('echo ') ? text.slice(5) : undefined;
        if (m !== undefined && pending.delete(m)) this.figures.echoed++;
        else if (m !== undefined && this.unanswered.delete(m)) {
          this.figures.unanswered--;
          this.figures.late++;
        } else this.wrong++;
      });
      ws.on('close', () => {
        clearTimeout(timer);
        clearInterval(pinger);
        this.live.delete(ws);
        if (opened) {
          this.figures.open[replica] = (this.figures.open[replica] ?? 1) - 1;
          if (!this.stopped) {
            this.figures.reconnects[replica] = (this.figures.reconnects[replica] ?? 0) + 1;
            if (silent) this.figures.silentClosed++;
            this.figures.inFlightAtDrop += pending.size;
            this.drops.push({
              at: this.elapsed(),
              replica,
              inFlight: pending.size,
              cause: silent ? 'silent' : 'closed',
            });
          }
        }
        resolve(opened);
      });
    });
  }

  private failed(cause: string): void {
    this.figures.openFailures[cause] = (this.figures.openFailures[cause] ?? 0) + 1;
    this.failures.push({ at: this.elapsed(), cause });
  }
}
