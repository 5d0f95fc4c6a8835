import type { DashboardAction } from '../actions.js';
import type { ServiceRow } from '../state.js';

/** Services with their bounds and the replica count they should have now. */
export function servicesReducer(rows: ServiceRow[], a: DashboardAction): ServiceRow[] {
  switch (a.type) {
    case 'ui.plan':
      return a.services;
    case 'plan.ready':
      return rows.map((r) => {
        const s = a.services.find((x) => x.name === r.name);
        return s ? { ...r, desired: s.replicas } : r;
      });
    case 'ui.snapshot': {
      const desired = a.desired;
      if (!desired) return rows;
      return rows.map((r) => {
        const count = desired[r.name];
        return count !== undefined ? { ...r, desired: count } : r;
      });
    }
    case 'init.started':
      return rows.map((r) => (r.name === a.service ? { ...r, progress: 'running' } : r));
    case 'init.finished': {
      const progress = a.earlier
        ? 'completed earlier'
        : a.exitCode === 0
          ? `completed in ${(a.ms / 1000).toFixed(1)} s`
          : `failed: exit ${a.exitCode}`;
      return rows.map((r) => (r.name === a.service ? { ...r, progress } : r));
    }
    case 'scale.planned':
      return rows.map((r) => (r.name === a.service ? { ...r, desired: a.to } : r));
    default:
      return rows;
  }
}
