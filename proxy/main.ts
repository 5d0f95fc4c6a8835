/**
 * The Rehearsal proxy program (`node /app/proxy.mjs` in the runtime image): reads the
 * configuration named by `REHEARSAL_PROXY_CONFIG` (default `/etc/rehearsal/proxy.json`), serves
 * until SIGTERM, then stops accepting, lets in-flight requests finish (at most
 * `timeouts.shutdownMs`, 5 s) and exits 0. A bad configuration is one log line and exit 1.
 */
import { runMain } from '../base/run-main.js';
import { ConfigError, loadProxyConfig } from './server/config.js';
import { startProxy } from './server/proxy.js';

const path = process.env.REHEARSAL_PROXY_CONFIG ?? '/etc/rehearsal/proxy.json';

await runMain(
  {
    name: 'proxy',
    describeFailure: (error) =>
      error instanceof ConfigError ? 'invalid configuration' : undefined,
  },
  // The proxy's close() drains for at most its shutdownMs: no grace timer of its own.
  async (log) => startProxy({ ...(await loadProxyConfig(path)), logger: log }),
);
