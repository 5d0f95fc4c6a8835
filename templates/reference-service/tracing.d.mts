// Types of tracing.mjs for the TypeScript code that reuses it (Rehearsal's identity provider).
import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean;
export function createTracing(
  env: NodeJS.ProcessEnv,
  log: { info(message: string, fields?: Record<string, unknown>): void },
  options: { service: string; version: string; ignoreIncoming?: boolean },
): { wrap(handler: Handler): Handler; shutdown(): Promise<void> };
