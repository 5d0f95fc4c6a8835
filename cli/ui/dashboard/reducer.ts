import { uptime } from '../format.js';
import type { DashboardAction } from './actions.js';
import { chaosReducer } from './slices/chaos.js';
import { checklistReducer } from './slices/checklist.js';
import { finishedReducer } from './slices/finished.js';
import { imagesReducer } from './slices/images.js';
import { logsReducer } from './slices/logs.js';
import { orderedReplicas, replicasReducer } from './slices/replicas.js';
import { servicesReducer } from './slices/services.js';
import { trafficReducer } from './slices/traffic.js';
import { uiReducer } from './slices/ui.js';
import type { DashboardState } from './state.js';

/** Service name → role, for ordering and for what `K` may kill. */
export function rolesOf(state: Pick<DashboardState, 'services'>): Record<string, string> {
  return Object.fromEntries(state.services.map((s) => [s.name, s.role]));
}

function session(s: DashboardState, a: DashboardAction): DashboardState {
  switch (a.type) {
    case 'ui.plan':
      return { ...s, sandboxId: a.sandboxId, product: a.product, endpoints: a.endpoints ?? [] };
    case 'ui.tick':
      // Only a change on screen is worth a render: past two minutes an uptime shows whole minutes.
      return s.replicas.some(
        (r) =>
          r.startedAt !== undefined && uptime(a.now - r.startedAt) !== uptime(s.now - r.startedAt),
      )
        ? { ...s, now: a.now }
        : s;
    case 'ui.phase':
      return { ...s, phase: a.phase };
    case 'ui.outcome':
      return { ...s, outcome: a.outcome };
    case 'sandbox.ready':
      return s.phase === 'starting' ? { ...s, phase: 'running' } : s;
    case 'sandbox.removed':
      return { ...s, phase: 'stopped' };
    default:
      return s;
  }
}

/**
 * The dashboard's reducer: session fields, then one reducer per slice. A slice keeps its
 * reference when an action does not concern it, so panels that select it do not re-render.
 */
export function dashboardReducer(state: DashboardState, a: DashboardAction): DashboardState {
  const s = session(state, a);
  const replicas = replicasReducer(s.replicas, a);
  const services = servicesReducer(s.services, a);
  const next = {
    ...s,
    services,
    replicas,
    images: imagesReducer(s.images, a),
    logs: logsReducer(s.logs, a),
    finished: finishedReducer(s.finished, a),
    traffic: trafficReducer(s.traffic, a),
    chaos: chaosReducer(s.chaos, a),
    checklist: checklistReducer(s.checklist, a),
    ui: uiReducer(s.ui, a, () => orderedReplicas(replicas, rolesOf({ services }))),
  };
  const same = (Object.keys(next) as (keyof DashboardState)[]).every((k) => next[k] === state[k]);
  return same ? state : next;
}
