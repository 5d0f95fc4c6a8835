/**
 * The Rehearsal trace collector (`node /app/collector.mjs` in the runtime image): an OTLP/HTTP
 * receiver on 4318 for the sandbox's services, and a read-only query port (4319) for Rehearsal.
 * Keeps the most recent spans in memory only; logs JSON lines on stdout; stops at once on SIGTERM.
 */
import type { Logger } from '../base/log.js';
import { runMain } from '../base/run-main.js';
import { COLLECTOR_QUERY_PORT, OTLP_HTTP_PORT, startCollector } from './server.js';

const port = (log: Logger, name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > 65535) {
    log.error(`${name} is not a port number`, { value: process.env[name] ?? null });
    process.exit(1);
  }
  return v;
};

await runMain({ name: 'collector' }, async (log) => {
  const collector = await startCollector({
    otlpPort: port(log, 'REHEARSAL_COLLECTOR_OTLP_PORT', OTLP_HTTP_PORT),
    queryPort: port(log, 'REHEARSAL_COLLECTOR_QUERY_PORT', COLLECTOR_QUERY_PORT),
    logger: log,
  });
  log.info('collector listening', { otlp: collector.otlpPort, query: collector.queryPort });
  return {
    close: () => collector.close(),
    graceMs: 2000,
    stopFields: () => ({ spans: collector.store.received }),
  };
});
