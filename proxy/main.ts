/**
 * The Rehearsal proxy program (`node /app/proxy.mjs` in the runtime image): reads the
 * configuration named by `REHEARSAL_PROXY_CONFIG` (default `/etc/rehearsal/proxy.json`), serves
 * until SIGTERM, then stops accepting, lets in-flight requests finish (at most
 * `timeouts.shutdownMs`, 5 s) and exits 0. A bad configuration is one log line and exit 1.
 */
import { ConfigError, loadProxyConfig } from './server/config.js';
import { jsonLogger } from './server/log.js';
import { startProxy } from './server/proxy.js';

const log = jsonLogger();
// A crash is still one JSON line on stdout, then a non-zero exit for the container to report.
process.on('uncaughtException', (error) => {
  log.error('proxy crashed', { error: error.stack ?? String(error) });
  process.exit(1);
});
const path = process.env.REHEARSAL_PROXY_CONFIG ?? '/etc/rehearsal/proxy.json';

try {
  const proxy = await startProxy({ ...(await loadProxyConfig(path)), logger: log });
  const stop = (signal: string): void => {
    log.info('stopping', { signal });
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) log.error('invalid configuration', { error: error.message });
  else log.error('proxy failed to start', { error: (error as Error).message });
  process.exit(1);
}
