// Types of scim.mjs for the TypeScript code that reuses it (Rehearsal's identity provider, tests).
import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';

export interface ScimRecord {
  id: string;
  [attribute: string]: unknown;
}
export interface ScimStore {
  all(type: 'Users' | 'Groups'): Promise<ScimRecord[]>;
  put(type: 'Users' | 'Groups', record: ScimRecord): Promise<void>;
  remove(type: 'Users' | 'Groups', id: string): Promise<boolean>;
}
export interface ScimReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export const SCIM_BASE: string;
export function databaseStore(pool: Pool, table?: string): ScimStore;
export function memoryStore(): ScimStore;
export function createScim(options: {
  token: string;
  store: ScimStore;
  quirks?: { pageBeforeFilter?: boolean; allowDuplicates?: boolean; plainErrors?: boolean };
}): {
  handle(
    req: IncomingMessage,
    url: { searchParams: URLSearchParams },
    rest?: string,
  ): Promise<ScimReply>;
};
