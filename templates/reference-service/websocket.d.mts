// Types of websocket.mjs for the tests that exercise it.
import type { Server } from 'node:http';

export function attachWebSocket(
  server: Server,
  options: { path?: string; log: { debug(message: string, fields?: object): void } },
): { close(): void };
