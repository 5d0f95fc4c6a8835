import type { ReplicaNetwork } from './facts/netwatch.js';
import { finding, needsRunning, type Check } from './judging.js';

/** What one replica tried, in a line: sandbox destinations named, others as address:port. */
export function describeNetwork(n: ReplicaNetwork): string {
  if (n.error) return `${n.replica}: ${n.error}`;
  const conns = n.connections.map(
    (c) =>
      `${c.service ?? c.address}:${c.port} ×${c.attempts}${c.service ? '' : ' (outside the sandbox)'}`,
  );
  const names = n.lookups.map(
    (l) => `${l.name} ×${l.queries}${l.sandbox ? '' : ' (outside the sandbox)'}`,
  );
  return `${n.replica} (watched ${(n.ms / 1000).toFixed(0)} s): connections ${conns.join(', ') || 'none'}; DNS lookups ${names.join(', ') || 'none'}`;
}

/** What a replica tried that is not the sandbox's own (database, IdP, collector, edge). */
export function outside(n: ReplicaNetwork): string[] {
  return [
    ...n.connections.filter((c) => !c.service).map((c) => `${c.address}:${c.port}`),
    ...n.lookups.filter((l) => !l.sandbox).map((l) => `lookup of ${l.name}`),
  ];
}

/** Good citizen: only the connections the sandbox provides for. */
export const NETWORK_CHECKS: Record<string, Check> = {
  'good-citizen'(f) {
    const did =
      "Captured, in each replica's network namespace (tcpdump in a sidecar), every TCP connection it opened and every DNS name it asked for during the run; the sandbox's own services (database, identity provider, collector, edge) are expected, anything else is not.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const watched = f.tasks.flatMap((t) => t.network?.replicas ?? []);
    if (watched.length === 0) return finding('not-checked', did, [], 'no replica was watched');
    const evidence = watched.map(describeNetwork);
    const bad = watched
      .map((n) => [n.replica, outside(n)] as const)
      .filter(([, list]) => list.length > 0)
      .map(
        ([name, list]) =>
          `${name} tried ${list.slice(0, 5).join(', ')}${list.length > 5 ? `, and ${list.length - 5} more` : ''}`,
      );
    if (bad.length > 0)
      return finding('fail', did, evidence, `connections nobody declared: ${bad.join('; ')}`);
    const unwatched = watched.filter((n) => n.error);
    if (unwatched.length === watched.length)
      return finding(
        'not-checked',
        did,
        evidence,
        unwatched.map((n) => `${n.replica}: ${n.error}`).join('; '),
      );
    return finding('pass', did, evidence);
  },
};
