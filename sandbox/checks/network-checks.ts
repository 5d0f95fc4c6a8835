import type { ReplicaNetwork } from './facts/netwatch.js';
import { failedOffline } from './facts/offline-journeys.js';
import { finding, needsRunning, replicasOf, type Check } from './judging.js';

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

/** Good citizen (only the connections the sandbox provides for) and offline friendly. */
export const NETWORK_CHECKS: Record<string, Check> = {
  'good-citizen'(f) {
    const did =
      "Captured, in each replica's network namespace (tcpdump in a sidecar), every TCP connection it opened and every DNS name it asked for during the run; the sandbox's own services (database, identity provider, collector, edge) are expected, anything else is not.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    // A replica that died mid-run leaves its namespace to whoever gets its address next: what
    // was captured there is no evidence of what the service tried (the death is its own finding).
    const dead = new Map(
      replicasOf(f)
        .filter(([, r]) => r.down)
        .map(([, r]) => [r.name, r.down!] as const),
    );
    const all = f.tasks.flatMap((t) => t.network?.replicas ?? []);
    const watched = all.filter((n) => !dead.has(n.replica));
    if (all.length === 0) return finding('not-checked', did, [], 'no replica was watched');
    const evidence = [
      ...watched.map(describeNetwork),
      ...all
        .filter((n) => dead.has(n.replica))
        .map(
          (n) =>
            `${n.replica}: its capture is not judged, it died during the run (${dead.get(n.replica)}; see Compute constrained)`,
        ),
    ];
    if (watched.length === 0)
      return finding(
        'not-checked',
        did,
        evidence,
        'not checked, because every watched replica died during the run (see Compute constrained); it is checked once a replica stays up',
      );
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

  'offline-friendly'(f) {
    const did =
      "Started each HTTP task again on an internal network (no route out of the host) with a fresh, empty database and the sandbox's own services (after running each initialization task there to completion), probed its health from inside that network, sent it one pass of its journeys (as chaos sends them), ran its smoke test there, and captured what it tried to reach.";
    const waiting = needsRunning(f, did);
    if (waiting) return waiting;
    const o = f.offline;
    if (!o) return finding('not-checked', did, [], 'the offline phase did not run');
    if (o.error) return finding('not-checked', did, [], o.error);
    const mine = o.tasks.filter((t) => f.tasks.some((x) => x.service.name === t.task));
    if (mine.length === 0 && !o.initialization?.length)
      return finding(
        'not-applicable',
        did,
        [],
        'no task serves HTTP, so none can be probed offline',
      );
    const evidence: string[] = [];
    const failed: string[] = [];
    for (const i of o.initialization ?? []) {
      evidence.push(
        `initialization ${i.task}: exited ${i.exitCode} after ${(i.ms / 1000).toFixed(1)} s without a route out${i.output.length ? `; its last lines: ${i.output.slice(-3).join(' │ ').slice(0, 300)}` : ''}`,
      );
      if (i.timedOut || i.exitCode !== 0)
        failed.push(
          `initialization task ${i.task} ${i.timedOut ? 'did not finish' : `exited ${i.exitCode}`} without a route out: bundle what it downloads, or fetch it from the sandbox's database or services`,
        );
    }
    // A smoke test that fails online too is Programmatically verifiable's failure, not this one.
    const smokePassedOnline = (task: string) => {
      const online = f.tasks.find((x) => x.service.name === task)?.smoke;
      return !online || (online.exitCode === 0 && !online.timedOut);
    };
    for (const t of mine) {
      evidence.push(
        `${t.replica}: ${t.healthy ? `healthy after ${(t.ms / 1000).toFixed(1)} s` : `not healthy after ${(t.ms / 1000).toFixed(0)} s`} (${t.detail || 'no answer'})${t.smoke ? `; smoke test exit code ${t.smoke.exitCode}${t.smoke.timedOut ? ' (timed out)' : ''}` : ''}`,
      );
      if (t.journeys?.length)
        evidence.push(
          `${t.replica} journeys offline: ${t.journeys.map((j) => `${j.name} → ${j.status}`).join(', ')}`,
        );
      if (t.network) evidence.push(`offline ${describeNetwork(t.network)}`);
      const answered = f.tasks.find((x) => x.service.name === t.task)?.traffic?.answered ?? [];
      const broken = (t.journeys ?? []).filter((j) => failedOffline(j, answered));
      const tried = t.network ? outside(t.network) : [];
      const attempts = tried.length ? ` (it tried ${tried.slice(0, 3).join(', ')})` : '';
      if (!t.healthy)
        failed.push(
          `${t.task} did not become healthy without a route out${attempts}: ${t.detail || 'no answer'}`,
        );
      else if (t.smoke && (t.smoke.exitCode !== 0 || t.smoke.timedOut) && smokePassedOnline(t.task))
        failed.push(
          `${t.task}'s smoke test failed offline (exit code ${t.smoke.exitCode})${attempts}`,
        );
      else if (broken.length > 0)
        failed.push(
          `${t.task} answered ${broken.map((j) => `${j.name} (${j.status})`).join(', ')} offline, which it served through the edge${attempts}`,
        );
    }
    return failed.length > 0
      ? finding('fail', did, evidence, failed.join('; '))
      : finding('pass', did, evidence);
  },
};
