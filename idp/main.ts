/**
 * The Rehearsal identity provider (`node /app/idp.mjs` in the runtime image): reads
 * `REHEARSAL_IDP_CONFIG` (default `/etc/rehearsal/idp.json`), the admin token from
 * `REHEARSAL_IDP_ADMIN_TOKEN_FILE` and the sandbox's database from `REHEARSAL_IDP_DATABASE_URL`;
 * keeps nothing on its filesystem; stops within seconds of SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { jsonLogger } from '../proxy/server/log.js';
import { createTracing, tracingEnabled } from '../templates/reference-service/tracing.mjs';
import { idpConfigFromEnv, loadIdpConfig } from './config.js';
import { createPool, migrate } from './database.js';
import { startIdp } from './server.js';

const log = jsonLogger();
process.on('uncaughtException', (error) => {
  log.error('identity provider crashed', { error: error.stack ?? String(error) });
  process.exit(1);
});

const stopping = new AbortController();
try {
  // A sandbox writes a configuration file; a deployment configures the issuer in the environment.
  const file = process.env.REHEARSAL_IDP_CONFIG ?? '/etc/rehearsal/idp.json';
  const config =
    process.env.REHEARSAL_IDP_ISSUER && !existsSync(file)
      ? idpConfigFromEnv(process.env)
      : await loadIdpConfig(file);
  const tokenFile = process.env.REHEARSAL_IDP_ADMIN_TOKEN_FILE ?? '/etc/rehearsal/idp-admin-token';
  // Without a token file the admin channel takes a token nobody knows: it is closed.
  const adminToken = existsSync(tokenFile)
    ? (await readFile(tokenFile, 'utf8')).trim()
    : randomBytes(32).toString('base64url');
  const url = process.env.REHEARSAL_IDP_DATABASE_URL;
  if (!url) throw new Error('REHEARSAL_IDP_DATABASE_URL is not set');
  const pool = createPool(url);
  process.once('SIGTERM', () => stopping.abort());
  await migrate(pool, stopping.signal, (e) =>
    log.warn('waiting for the database', { error: (e as NodeJS.ErrnoException).code ?? e.message }),
  );
  // Spans for each request when the deployment names a collector (OTEL_EXPORTER_OTLP_ENDPOINT).
  const tracing = tracingEnabled(process.env)
    ? // The runtime image's version, as its Dockerfile labels it (no package.json in the image).
      createTracing(process.env, log, { service: 'rehearsal-idp', version: '0.1.0' })
    : undefined;
  const idp = await startIdp({
    config,
    pool,
    adminToken,
    logger: log,
    ...(tracing ? { wrap: (h: RequestListener) => tracing.wrap(h) } : {}),
  });
  const stop = (signal: string): void => {
    log.info('stopping', { signal });
    void idp
      .close()
      .then(() => tracing?.shutdown())
      .then(() => pool.end())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 4000).unref();
  };
  if (stopping.signal.aborted) stop('SIGTERM');
  process.removeAllListeners('SIGTERM');
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  log.error('identity provider failed to start', { error: (error as Error).message });
  process.exit(1);
}
