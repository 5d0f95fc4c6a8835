import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { DatabaseKind } from '../declaration/types.js';
import { BugError } from '../errors.js';
import { databaseImage, type ImageMode } from '../images/catalogue.js';
import { templatePath } from '../version.js';
import { parseDuration } from './duration.js';
import type { HealthcheckPlan, ServicePlan } from './types.js';

/** The compose service name (and DNS name on the sandbox network) of the database. */
export const DATABASE_SERVICE = 'database';

interface DatabaseTemplate {
  service: {
    environment?: Record<string, string>;
    command?: string[];
    volume: string;
    healthcheck: {
      test: string[];
      interval: string;
      timeout: string;
      retries: number;
      start_period: string;
    };
    stop_grace_period: string;
  };
  connection: { port: number; user: string; name: string; url: string };
}

/** Connection settings a task can bind its variables to (values in compose syntax). */
export interface DatabaseConnection {
  url: string;
  host: string;
  port: string;
  name: string;
  user: string;
  password: string;
}

/** Secrets each database kind needs, generated once per sandbox. */
export const DATABASE_SECRETS: Record<Exclude<DatabaseKind, 'none'>, string[]> = {
  postgres: ['REHEARSAL_DB_PASSWORD'],
  mariadb: ['REHEARSAL_DB_PASSWORD', 'REHEARSAL_DB_ROOT_PASSWORD'],
  redis: ['REHEARSAL_DB_PASSWORD'],
};

function loadTemplate(kind: Exclude<DatabaseKind, 'none'>): DatabaseTemplate {
  const file = templatePath('databases', `${kind}.yaml`);
  try {
    return parse(readFileSync(file, 'utf8')) as DatabaseTemplate;
  } catch (cause) {
    throw new BugError(`the database template ${file} cannot be read`, { cause });
  }
}

/** Plans the database service of a sandbox from templates/databases/<kind>.yaml. */
export function planDatabase(
  kind: Exclude<DatabaseKind, 'none'>,
  version: string | undefined,
  sandboxId: string,
  mode: ImageMode,
): { service: ServicePlan; volume: string; connection: DatabaseConnection } {
  const t = loadTemplate(kind);
  const volume = `${sandboxId}_database-data`;
  const healthcheck: HealthcheckPlan = {
    test: t.service.healthcheck.test,
    intervalMs: parseDuration(t.service.healthcheck.interval),
    timeoutMs: parseDuration(t.service.healthcheck.timeout),
    retries: t.service.healthcheck.retries,
    startPeriodMs: parseDuration(t.service.healthcheck.start_period),
  };
  const service: ServicePlan = {
    name: DATABASE_SERVICE,
    role: 'database',
    label: `${kind} database`,
    image: databaseImage(kind, version, mode),
    ...(t.service.command ? { command: t.service.command } : {}),
    environment: { ...(t.service.environment ?? {}) },
    replicas: 1,
    instancesMinimum: 1,
    instancesMaximum: 1,
    ports: [t.connection.port],
    healthcheck,
    volumes: [{ volume, target: t.service.volume }],
    dependsOn: [],
    aliases: [],
    stopGraceSeconds: parseDuration(t.service.stop_grace_period) / 1000,
  };
  const connection: DatabaseConnection = {
    url: t.connection.url.replace('{host}', DATABASE_SERVICE),
    host: DATABASE_SERVICE,
    port: String(t.connection.port),
    name: t.connection.name,
    user: t.connection.user,
    password: '${REHEARSAL_DB_PASSWORD}',
  };
  return { service, volume, connection };
}
