/** `rehearsal trust --show` and the per-store status behind it. Read-only: changes nothing. */
import { X509Certificate } from '../ca/x509.js';
import { fingerprint } from '../ca/fingerprint.js';
import { allStores, missingTools } from './all-stores.js';
import { systemTrustHost, type TrustHost } from './host.js';
import type { Presence, StoreReport, TrustSubject } from './store.js';

/** Where each store stands: `trusted`, `partial`, `absent`, or `unknown` (tool missing). */
export async function trustStatus(
  ca: TrustSubject,
  options: { host?: TrustHost } = {},
): Promise<StoreReport<Presence>[]> {
  const host = options.host ?? systemTrustHost();
  const reports: StoreReport<Presence>[] = [];
  for (const store of await allStores(host, ca)) {
    const base = { store: store.id, label: store.label };
    const missing = await missingTools(host, store);
    if (missing.length > 0) {
      reports.push({ ...base, status: 'unknown', reason: `${missing.join(', ')} not found` });
    } else {
      reports.push({ ...base, status: await store.presence(host) });
    }
  }
  return reports;
}

/** What `rehearsal trust --show` prints. */
export interface TrustShow {
  rootPath: string;
  /** Upper-case colon hex, comparable with `openssl x509 -noout -fingerprint -sha256`. */
  fingerprintSha256: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  stores: StoreReport<Presence>[];
}

/** The root's path, fingerprint and validity, and its status in every store. */
export async function showTrust(
  ca: TrustSubject,
  options: { host?: TrustHost } = {},
): Promise<TrustShow> {
  const root = new X509Certificate(ca.rootPem);
  return {
    rootPath: ca.paths.root,
    fingerprintSha256: fingerprint(ca.rootPem),
    subject: root.subject,
    notBefore: root.notBefore,
    notAfter: root.notAfter,
    stores: await trustStatus(ca, options),
  };
}
