import { mib } from '../../format.js';
import type { DashboardAction } from '../actions.js';
import type { ReplicaRow } from '../state.js';

const ROLE_ORDER: Record<string, number> = { task: 0, init: 1, cron: 1, database: 2 };

function upsert(
  rows: ReplicaRow[],
  key: { container: string; service: string; replica: number },
  change: (row: ReplicaRow | undefined) => ReplicaRow,
): ReplicaRow[] {
  const i = rows.findIndex((r) => r.container === key.container);
  if (i >= 0) return rows.map((r, j) => (j === i ? change(r) : r));
  return [...rows, change(undefined)];
}

const fresh = (key: { container: string; service: string; replica: number }): ReplicaRow => ({
  container: key.container,
  service: key.service,
  replica: key.replica,
  state: 'created',
  health: 'starting',
});

/**
 * The replicas table, from lifecycle events: created → running → healthy; killed, died, removed,
 * replaced; plus a `replica.stats` sample every few seconds. A replacement that gets the name of
 * the replica it replaces (compose reuses the lowest free number) simply restarts the row.
 */
export function replicasReducer(rows: ReplicaRow[], a: DashboardAction): ReplicaRow[] {
  switch (a.type) {
    case 'ui.snapshot':
      return a.replicas.map((s) => {
        const old = rows.find((r) => r.container === s.container);
        return {
          ...old,
          container: s.container,
          service: s.service,
          replica: s.replica,
          state: s.running ? 'running' : 'exited',
          health: s.health,
          ...(s.uptimeSeconds !== undefined ? { startedAt: a.at - s.uptimeSeconds * 1000 } : {}),
          memoryLimitBytes: s.memoryLimitBytes || old?.memoryLimitBytes || 0,
        };
      });
    case 'replica.created':
      return upsert(rows, a, () => fresh(a));
    case 'replica.started':
      return upsert(rows, a, (r) => ({ ...(r ?? fresh(a)), state: 'running', startedAt: a.at }));
    case 'replica.healthy':
      return upsert(rows, a, (r) => ({
        ...(r ?? fresh(a)),
        state: 'running',
        health: 'healthy',
        startedAt: r?.startedAt ?? a.at - a.ms,
      }));
    case 'replica.stopping':
      return upsert(rows, a, (r) => ({ ...(r ?? fresh(a)), state: 'stopping' }));
    case 'replica.killed':
      return upsert(rows, a, (r) => ({ ...(r ?? fresh(a)), state: 'killed', health: 'stopped' }));
    case 'replica.died':
      return upsert(rows, a, (r) => ({
        ...(r ?? fresh(a)),
        state: 'exited',
        health: 'stopped',
        exitCode: a.exitCode,
        oomKilled: a.oomKilled,
      }));
    case 'replica.removed':
      return rows.filter((r) => r.container !== a.container);
    case 'replica.replaced':
      return a.died === a.replacement ? rows : rows.filter((r) => r.container !== a.died);
    case 'replica.stats': {
      const row = rows.find((r) => r.container === a.container);
      if (!row) return rows;
      // A sample that would look the same on screen is not a change: no render for it.
      const same =
        row.memoryBytes !== undefined &&
        mib(row.memoryBytes) === mib(a.memoryBytes) &&
        Math.round(row.cpuPercent ?? -1) === Math.round(a.cpuPercent) &&
        row.memoryLimitBytes === a.memoryLimitBytes;
      if (same) return rows;
      return upsert(rows, a, (r) => ({
        ...(r as ReplicaRow),
        memoryBytes: a.memoryBytes,
        memoryLimitBytes: a.memoryLimitBytes,
        cpuPercent: a.cpuPercent,
      }));
    }
    case 'traffic.sample': {
      // Each replica of the task the traffic goes to gets its part of the sample's rate (0 when
      // it answered nothing); other services' rows keep no figure.
      const answered = Object.values(a.replicas).reduce((n, v) => n + v, 0);
      const services = new Set(rows.filter((r) => r.container in a.replicas).map((r) => r.service));
      const rate = (r: ReplicaRow) =>
        !services.has(r.service)
          ? r.requestsPerSecond
          : answered
            ? Math.round(((a.replicas[r.container] ?? 0) / answered) * a.rps * 10) / 10
            : 0;
      if (!rows.some((r) => r.requestsPerSecond !== rate(r))) return rows;
      return rows.map((r) => {
        const v = rate(r);
        return v === undefined ? r : { ...r, requestsPerSecond: v };
      });
    }
    case 'sandbox.removed':
      return [];
    default:
      return rows;
  }
}

/** Rows in display order: tasks first, then initialization and cron runs, then the database. */
export function orderedReplicas(rows: ReplicaRow[], roles: Record<string, string>): ReplicaRow[] {
  return [...rows].sort(
    (a, b) =>
      (ROLE_ORDER[roles[a.service] ?? ''] ?? 1) - (ROLE_ORDER[roles[b.service] ?? ''] ?? 1) ||
      a.service.localeCompare(b.service) ||
      a.replica - b.replica,
  );
}
