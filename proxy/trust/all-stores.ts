/** Every trust store of this host that `rehearsal trust` knows how to manage. */
import type { TrustHost } from './host.js';
import { debianJavaStore } from './java-store.js';
import { nssStores } from './nss-stores.js';
import type { TrustStore, TrustSubject } from './store.js';
import { systemStore } from './system-store.js';

/**
 * The system store first (installing it also feeds Debian's Java store, which comes next), then
 * the user's NSS databases.
 */
export async function allStores(host: TrustHost, subject: TrustSubject): Promise<TrustStore[]> {
  const system = await systemStore(host, subject);
  const java = await debianJavaStore(host, subject);
  return [
    ...(system ? [system] : []),
    ...(java ? [java] : []),
    ...(await nssStores(host, subject)),
  ];
}

/** The tools a store needs that are not on PATH. */
export async function missingTools(host: TrustHost, store: TrustStore): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of store.tools) if ((await host.which(tool)) === undefined) missing.push(tool);
  return missing;
}
