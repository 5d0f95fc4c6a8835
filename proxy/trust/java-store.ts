/**
 * Debian's system-wide Java truststore, `/etc/ssl/certs/java/cacerts`. Debian's
 * ca-certificates-java hook copies a new local anchor into it on `update-ca-certificates`, but
 * is never told when a local anchor is removed (hooks only hear about `!`-entries of
 * ca-certificates.conf, with or without `--fresh`), so without this store an uninstalled root
 * would stay trusted by every Java program on the machine.
 */
import { fingerprint } from '../ca/fingerprint.js';
import { command } from './command.js';
import type { TrustHost } from './host.js';
import type { TrustStore, TrustSubject } from './store.js';

const CACERTS = '/etc/ssl/certs/java/cacerts';
/** The alias Debian's hook gives `/usr/local/share/ca-certificates/rehearsal-local-root.crt`. */
const ALIAS = 'debian:rehearsal-local-root.pem';
/** Debian's cacerts password (public by design; it only guards integrity). */
const STOREPASS = 'changeit';

/** The Debian Java store, when this host has one and Java (keytool) is installed. */
export async function debianJavaStore(
  host: TrustHost,
  subject: TrustSubject,
): Promise<TrustStore | undefined> {
  if (host.platform !== 'linux' || !(await host.exists(CACERTS))) return undefined;
  if ((await host.which('keytool')) === undefined) return undefined;
  const keytool = (...args: string[]) =>
    command('keytool', ...args, '-keystore', CACERTS, '-storepass', STOREPASS);
  const list = keytool('-list', '-alias', ALIAS);
  return {
    id: 'java:debian-cacerts',
    label: `Java (${CACERTS})`,
    admin: true,
    tools: ['keytool'],
    install: [keytool('-importcert', '-noprompt', '-alias', ALIAS, '-file', subject.paths.root)],
    uninstall: [keytool('-delete', '-alias', ALIAS)],
    async presence(h: TrustHost) {
      const result = await h.run(list);
      if (result.exitCode !== 0) return 'absent';
      // The alias can hold the root of an earlier Rehearsal CA.
      const ours = result.stdout.includes(fingerprint(subject.rootPem));
      return ours ? 'trusted' : 'partial';
    },
  };
}
