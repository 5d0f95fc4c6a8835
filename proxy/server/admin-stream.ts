/**
 * The admin feed: a WebSocket on `GET /stream` that pushes a JSON snapshot of every replica's
 * state and counters at once on connect, then every interval (1 s). Snapshots are built only
 * while someone listens.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BackendView } from './backend.js';
import type { CountersSnapshot } from './metrics.js';
import type { Route } from './route.js';

/** One replica in a snapshot: its state (with ejection timestamps) and counters. */
export type ReplicaSnapshot = BackendView & CountersSnapshot;

/** What the stream sends each interval. */
export interface StreamSnapshot {
  /** Epoch ms when the snapshot was taken. */
  at: number;
  routes: { host: string; service: string; port: number; backends: ReplicaSnapshot[] }[];
}

/** A snapshot of every route now. */
export function takeSnapshot(routes: readonly Route[]): StreamSnapshot {
  return {
    at: Date.now(),
    routes: routes.map((route) => ({
      host: route.host,
      service: route.service,
      port: route.port,
      backends: [...route.backends.values()].map((b) => ({
        ...b.view(),
        ...b.counters.snapshot(),
      })),
    })),
  };
}

/** The `/stream` endpoint; `handleUpgrade` is called after authentication. */
export class AdminStream {
  private readonly wss = new WebSocketServer({ noServer: true });
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly routes: readonly Route[],
    private readonly intervalMs: number,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.join(ws));
  }

  /** Closes every client. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private join(ws: WebSocket): void {
    ws.send(JSON.stringify(takeSnapshot(this.routes)));
    this.timer ??= setInterval(() => this.broadcast(), this.intervalMs);
    ws.on('close', () => {
      if (this.wss.clients.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    });
    ws.on('error', () => ws.terminate());
  }

  private broadcast(): void {
    const text = JSON.stringify(takeSnapshot(this.routes));
    for (const ws of this.wss.clients) ws.send(text);
  }
}
