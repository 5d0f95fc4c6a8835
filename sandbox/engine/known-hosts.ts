import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * A host key check for ssh2 that behaves like OpenSSH with StrictHostKeyChecking: the key the
 * engine's host presents must be one `known_hosts` lists for that host (plain or hashed names,
 * `[host]:port` off port 22). An unknown host is refused too: there is no prompt to ask, and a
 * wrong key would hand the Docker API — root on that host — to whoever answered.
 */
export function knownHostsVerifier(
  file: string,
  host: string,
  port: number,
): (key: Buffer) => boolean {
  const name = port === 22 ? host : `[${host}]:${port}`;
  return (key) => knownKeys(file, name).some((k) => k.equals(key));
}

/** The keys `known_hosts` lists for one host name; none when the file is absent. */
export function knownKeys(file: string, name: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const keys: Buffer[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // Markers (@cert-authority, @revoked) and comments are not plain host keys.
    if (fields.length < 3 || fields[0]!.startsWith('#') || fields[0]!.startsWith('@')) continue;
    const [hosts, , key] = fields as [string, string, string];
    if (hosts.split(',').some((pattern) => matches(pattern, name)))
      keys.push(Buffer.from(key, 'base64'));
  }
  return keys;
}

function matches(pattern: string, name: string): boolean {
  const hashed = /^\|1\|([^|]+)\|(.+)$/.exec(pattern);
  if (!hashed) return pattern === name;
  const hmac = createHmac('sha1', Buffer.from(hashed[1]!, 'base64')).update(name).digest('base64');
  return hmac === hashed[2];
}
