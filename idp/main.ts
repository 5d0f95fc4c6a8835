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
import { runMain } from '../base/run-main.js';
import { RUNTIME_VERSION } from '../base/version.js';
import { createTracing, tracingEnabled } from '../templates/reference-service/tracing.mjs';
import { idpConfigFromEnv, loadIdpConfig } from './config.js';
import { createPool, migrate } from './database.js';
import { startIdp } from './server.js';

// A SIGTERM while it waits for the database stops it as soon as it is up.
await runMain({ name: 'identity provider', stopDuringStart: true }, async (log, starting) => {
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
  await migrate(pool, starting, (e) =>
    log.warn('waiting for the database', { error: (e as NodeJS.ErrnoException).code ?? e.message }),
  );
  // Spans for each request when the deployment names a collector (OTEL_EXPORTER_OTLP_ENDPOINT).
  const tracing = tracingEnabled(process.env)
    ? createTracing(process.env, log, { service: 'rehearsal-idp', version: RUNTIME_VERSION })
    : undefined;
  const idp = await startIdp({
    config,
    pool,
    adminToken,
    logger: log,
    ...(tracing ? { wrap: (h: RequestListener) => tracing.wrap(h) } : {}),
  });
  return {
    close: () =>
      idp
        .close()
        .then(() => tracing?.shutdown())
        .then(() => pool.end()),
    graceMs: 4000,
  };
});
