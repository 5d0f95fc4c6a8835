// Rehearsal reference service: a small FHIR Patient API that meets every
// Marketplace Service Packaging Requirement. Lifecycle only: configuration,
// start-up (wait for the database, migrate, listen) and graceful shutdown.
import http from 'node:http';
import { hostname } from 'node:os';
import { describeDatabase, readConfig } from './config.mjs';
import { createPool, isUnavailable, migrate, patients, waitForDatabase } from './db.mjs';
import { createHandler } from './app.mjs';
import { createOidc, readOidcConfig } from './oidc.mjs';
import { createScim, databaseStore } from './scim.mjs';
import { SOFTWARE } from './fhir.mjs';
import { createLogger, errorFields } from './log.mjs';
import { faultNames, readFaults, scimQuirks, startFaults, withFaults } from './faults.mjs';
import { roleOf, runRole } from './roles.mjs';
import { dualModeListener } from './tls-port.mjs';
import { createTracing, tracingEnabled } from './tracing.mjs';
import { attachWebSocket } from './websocket.mjs';
import {
  earlyAckPatients,
  localPatients,
  memorySessions,
  naughtyNames,
  readNaughty,
} from './naughty.mjs';

/**
 * Whole shutdown budget: under 5 s from the signal even with the engine's own
 * overhead, far inside the 15 s (HL7 HSP R2) and 60 s (2016) limits.
 */
const SHUTDOWN_HARD_LIMIT_MS = 3500;

// The same image runs as other tasks too: `--role=migrate` (initialization) and
// `--role=expire-sessions` (a worker); roles.mjs holds them.
const role = roleOf(process.argv);
if (role !== 'api') await runRole(role, process.env);

const parsed = readConfig(process.env);
if (!parsed.ok) {
  const log = createLogger('info');
  for (const problem of parsed.errors) log.error(`invalid configuration: ${problem}`);
  process.exit(1);
}
const { config } = parsed;
const log = createLogger(config.logLevel);
const oidcConfig = readOidcConfig(process.env);
const scimToken = (process.env.SCIM_TOKEN ?? '').trim() || undefined;
const naughty = readNaughty(process.env);
const faults = readFaults(process.env);
const startedAt = new Date();
const starting = new AbortController();
let stopping = false;
let server;
/** What listens on the port: the server itself, or the fault's TLS-or-HTTP listener. */
let listener;
let websocket;

process.on('uncaughtException', (err) => {
  log.error('uncaught exception', errorFields(err));
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  log.error('unhandled rejection', errorFields(err));
  process.exit(1);
});
// Explicit handlers: as PID 1 in a container, a signal without one is ignored.
process.on('SIGTERM', () =>
  naughty.ignoreSigterm
    ? log.warn('ignoring SIGTERM (NAUGHTY_IGNORE_SIGTERM)')
    : shutdown('SIGTERM'),
);
process.on('SIGINT', () => shutdown('SIGINT'));

log.info('starting', {
  service: SOFTWARE.name,
  version: SOFTWARE.version,
  node: process.version,
  port: config.port,
  logLevel: config.logLevel,
  ...describeDatabase(config.databaseUrl),
  ...(naughtyNames(naughty).length ? { naughty: naughtyNames(naughty) } : {}),
  ...(faultNames(faults).length ? { faults: faultNames(faults) } : {}),
});
startFaults(faults, log);
const tracing = tracingEnabled(process.env)
  ? createTracing(process.env, log, {
      service: 'reference-service',
      version: SOFTWARE.version,
      ignoreIncoming: faults.noTraceContext,
    })
  : undefined;

const pool = createPool(config.databaseUrl, log);
await prepareDatabase();
if (!stopping) await listen();

/** Waits for the database and migrates; a database that vanishes in between is waited for again. */
async function prepareDatabase() {
  for (;;) {
    if (!(await waitForDatabase(pool, log, { signal: starting.signal }))) {
      if (stopping) return;
      await pool.end().catch(() => undefined);
      process.exit(1);
    }
    try {
      await migrate(pool, log);
      return;
    } catch (err) {
      if (stopping) return;
      if (!isUnavailable(err)) {
        log.error('schema migration failed', errorFields(err));
        await pool.end().catch(() => undefined);
        process.exit(1);
      }
      log.warn('database went away during migration; waiting again', errorFields(err));
    }
  }
}

async function listen() {
  const store = naughty.localData ? localPatients() : patients;
  const handler = withFaults(
    createHandler({
      pool,
      log,
      startedAt,
      isStopping: () => stopping,
      ...(oidcConfig ? { oidc: createOidc(oidcConfig) } : {}),
      ...(scimToken
        ? {
            scim: createScim({
              token: scimToken,
              store: databaseStore(pool),
              quirks: scimQuirks(faults),
            }),
          }
        : {}),
      patients: naughty.earlyAck ? earlyAckPatients(store, log) : store,
      ...(naughty.memorySessions ? { sessions: memorySessions() } : {}),
    }),
    faults,
    log,
  );
  server = http.createServer(tracing ? tracing.wrap(handler) : handler);
  websocket = attachWebSocket(server, {
    path: '/ws',
    log,
    ...(naughty.wsSwallow ? { swallowEvery: 10 } : {}),
  });
  // Longer than a typical proxy's idle timeout, so the proxy, not this
  // server, closes idle connections, and never races a request on one.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Requests that never reach the handler (malformed, oversized headers, too
  // slow): answered as node would, plus a debug line and the replica header.
  server.on('clientError', (err, socket) => {
    log.debug('bad request line or headers', errorFields(err));
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nX-Replica: ${hostname()}\r\nConnection: close\r\n\r\n`);
  });
  listener = faults.tlsPort ? await dualModeListener(server, log) : server;
  listener.listen(config.port, '0.0.0.0', () => {
    log.info('listening', {
      host: '0.0.0.0',
      port: config.port,
      ms: Math.round(performance.now()),
    });
  });
  listener.on('error', (err) => {
    log.error('cannot listen', { port: config.port, ...errorFields(err) });
    process.exit(1);
  });
}

/**
 * Stops accepting, lets in-flight requests finish, closes the pool and exits
 * 0; a hard timer exits anyway before the container's stop budget runs out.
 * A second signal closes every connection at once.
 */
function shutdown(signal) {
  if (stopping) {
    log.warn('second signal; closing all connections now', { signal });
    server?.closeAllConnections();
    return;
  }
  stopping = true;
  const begin = performance.now();
  log.info('shutting down', { signal });
  starting.abort();
  setTimeout(() => {
    log.warn('shutdown exceeded its budget; exiting now', { ms: SHUTDOWN_HARD_LIMIT_MS });
    process.exit(0);
  }, SHUTDOWN_HARD_LIMIT_MS).unref();

  const finish = async () => {
    await tracing
      ?.shutdown()
      .catch((err) => log.warn('exporting the last spans failed', errorFields(err)));
    await pool.end().catch((err) => log.warn('closing the database pool failed', errorFields(err)));
    log.info('stopped', { ms: Math.round(performance.now() - begin) });
    process.exit(0);
  };
  if (!server) {
    // Still starting: prepareDatabase() sees `stopping` and returns.
    void finish();
    return;
  }
  listener.close(() => void finish());
  server.closeIdleConnections();
  websocket?.close();
}
