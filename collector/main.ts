/**
 * The Rehearsal trace collector (`node /app/collector.mjs` in the runtime image): an OTLP/HTTP
 * receiver on 4318 for the sandbox's services, and a read-only query port (4319) for Rehearsal.
 * Keeps the most recent spans in memory only; logs JSON lines on stdout; stops at once on SIGTERM.
 */
import { jsonLogger } from '../proxy/server/log.js';
import { COLLECTOR_QUERY_PORT, OTLP_HTTP_PORT, startCollector } from './server.js';

const log = jsonLogger();
process.on('uncaughtException', (error) => {
  log.error('collector crashed', { error: error.stack ?? String(error) });
  process.exit(1);
});

const port = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > 65535) {
    log.error(`${name} is not a port number`, { value: process.env[name] ?? null });
    process.exit(1);
  }
  return v;
};

try {
  const collector = await startCollector({
    otlpPort: port('REHEARSAL_COLLECTOR_OTLP_PORT', OTLP_HTTP_PORT),
    queryPort: port('REHEARSAL_COLLECTOR_QUERY_PORT', COLLECTOR_QUERY_PORT),
    logger: log,
  });
  log.info('collector listening', { otlp: collector.otlpPort, query: collector.queryPort });
  const stop = (signal: string): void => {
    log.info('stopping', { signal, spans: collector.store.received });
    void collector.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  log.error('collector failed to start', { error: (error as Error).message });
  process.exit(1);
}
