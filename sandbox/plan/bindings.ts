import type { BindingSource, EnvVarDeclaration } from '../declaration/types.js';
import type { DatabaseConnection } from './database.js';

/**
 * Variables bound to the database by name when the overlay says nothing: the names frameworks
 * read by convention. Anything else is bound only through `bind:` in rehearsal.yaml.
 */
const CONVENTIONAL: Record<string, BindingSource> = {
  DATABASE_URL: 'database.url',
  DB_URL: 'database.url',
  POSTGRES_URL: 'database.url',
  MYSQL_URL: 'database.url',
  REDIS_URL: 'database.url',
  DB_HOST: 'database.host',
  DATABASE_HOST: 'database.host',
  PGHOST: 'database.host',
  DB_PORT: 'database.port',
  DATABASE_PORT: 'database.port',
  PGPORT: 'database.port',
  DB_NAME: 'database.name',
  DATABASE_NAME: 'database.name',
  PGDATABASE: 'database.name',
  DB_USER: 'database.user',
  DATABASE_USER: 'database.user',
  PGUSER: 'database.user',
  DB_PASSWORD: 'database.password',
  DATABASE_PASSWORD: 'database.password',
  PGPASSWORD: 'database.password',
};

/** The binding a declared variable gets by naming convention, if any. */
export function conventionalBinding(key: string): BindingSource | undefined {
  return CONVENTIONAL[key];
}

/** Resolves a binding source to a compose-syntax value, or undefined if the sandbox lacks it. */
export function resolveBinding(
  source: BindingSource,
  db: DatabaseConnection | undefined,
): string | undefined {
  if (!db) return undefined;
  const field = source.slice('database.'.length) as keyof DatabaseConnection;
  return db[field];
}

/** Escapes a literal for compose interpolation (`$` → `$$`). */
export function composeLiteral(value: string): string {
  return value.replaceAll('$', '$$$$');
}

/** Why a variable got the value it got: shown by `plan` so users can see every binding. */
export type EnvOrigin = 'overlay' | 'flag' | 'binding' | 'convention' | 'default';

export interface ResolvedVariable {
  key: string;
  value?: string;
  origin?: EnvOrigin;
  declared?: EnvVarDeclaration;
}
