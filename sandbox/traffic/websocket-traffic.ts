import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { WebSocketDeclaration } from '../declaration/types.js';
import type { EdgeTarget } from './edge-client.js';

/** What the sockets saw, in total and per replica. */
export interface WebSocketFigures {
  path: string;
  /** Handshakes that succeeded. */
  opened: number;
  /** Handshakes that failed, by cause. */
  openFailures: Record<string, number>;
  /** Sockets that closed under us and were opened again, by the replica that held them. */
  reconnects: Record<string, number>;
  sent: number;
  echoed: number;
  /** Messages in flight when their socket dropped: the reconnect's cost, not lost data. */
  inFlightAtDrop: number;
  /** Messages not echoed within the deadline on a socket that stayed open, or echoed wrong. */
  lost: number;
  /** Sockets open, by replica, right now. */
  open: Record<string, number>;
}

/** A socket that dropped: when (ms since the traffic started) and which replica held it. */
export interface SocketDrop {
  at: number;
  replica: string;
  inFlight: number;
}

/** A handshake that failed, for attribution to the chaos action it falls in. */
export interface SocketFailure {
  at: number;
  cause: string;
}

const ECHO_DEADLINE_MS = 5000;

/**
 * WebSocket journeys through the TLS edge: `sockets` connections each send a numbered message
 * every `intervalMs` and expect `echo <message>` back. A socket that closes under us (its replica
 * was killed, stopped or drained) is opened again at once, through the edge to any replica, and
 * counted as a reconnect of the replica that held it; its unanswered messages count as in flight
 * at the drop. Only a message unanswered on a socket that stayed open is lost.
 */
export class WebSocketTraffic {
  readonly figures: WebSocketFigures;
  readonly drops: SocketDrop[] = [];
  readonly failures: SocketFailure[] = [];
  private stopped = false;
  private readonly live = new Set<WebSocket>();
  private seq = 0;

  constructor(
    private readonly target: EdgeTarget,
    private readonly spec: WebSocketDeclaration,
    private readonly elapsed: () => number,
  ) {
    this.figures = {
      path: spec.path,
      opened: 0,
      openFailures: {},
      reconnects: {},
      sent: 0,
      echoed: 0,
      inFlightAtDrop: 0,
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
    const expired = new Set<string>();
    let replica = 'an unknown replica';
    let opened = false;
    let timer: NodeJS.Timeout | undefined;
    return new Promise((resolve) => {
      ws.on('upgrade', (res: IncomingMessage) => {
        const r = res.headers['x-replica'];
        if (typeof r === 'string') replica = r;
      });
      ws.on('unexpected-response', (_req, res: IncomingMessage) => {
        this.failed(`HTTP ${res.statusCode ?? 0}`);
        res.resume();
        ws.terminate();
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        if (!opened) this.failed(err.code ?? err.message);
      });
      ws.on('open', () => {
        opened = true;
        this.figures.opened++;
        this.figures.open[replica] = (this.figures.open[replica] ?? 0) + 1;
        const tick = () => {
          const now = this.elapsed();
          for (const [m, sentAt] of pending)
            if (now - sentAt > ECHO_DEADLINE_MS) {
              pending.delete(m);
              expired.add(m);
              this.figures.lost++;
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
        else if (m === undefined || !expired.delete(m)) this.figures.lost++;
      });
      ws.on('close', () => {
        clearTimeout(timer);
        this.live.delete(ws);
        if (opened) {
          this.figures.open[replica] = (this.figures.open[replica] ?? 1) - 1;
          if (!this.stopped) {
            this.figures.reconnects[replica] = (this.figures.reconnects[replica] ?? 0) + 1;
            this.figures.inFlightAtDrop += pending.size;
            this.drops.push({ at: this.elapsed(), replica, inFlight: pending.size });
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
