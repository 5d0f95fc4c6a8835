import type { DashboardAction } from '../actions.js';
import type { ChaosStep, ChaosView } from '../state.js';

/** Started actions kept for the panel. */
export const CHAOS_RECENT = 4;

/**
 * The chaos panel's state, from the dashboard's `ui.chaos` (the run's seed and schedule) and
 * the run's `chaos.*` events: the next planned action and the last few with their outcomes.
 */
export function chaosReducer(c: ChaosView, a: DashboardAction): ChaosView {
  switch (a.type) {
    case 'ui.chaos': {
      if (a.state === 'starting')
        return { state: 'starting', upcoming: [], recent: [], started: 0, total: 0 };
      if (a.state === 'on')
        return {
          ...c,
          state: 'on',
          ...(a.seed !== undefined ? { seed: a.seed } : {}),
          ...(a.journal ? { journal: a.journal } : {}),
          ...(a.bounds ? { bounds: a.bounds } : {}),
          upcoming: a.schedule ?? c.upcoming,
          total: a.schedule?.length ?? c.total,
        };
      const { ended: _old, ...rest } = c;
      return {
        ...rest,
        state: a.state,
        ...(a.ended ? { ended: a.ended } : {}),
        ...(a.state === 'off' ? { upcoming: [] } : {}),
      };
    }
    case 'chaos.planned':
      return c.state === 'off'
        ? c
        : { ...c, seed: a.seed, total: a.actions, ...(a.journal ? { journal: a.journal } : {}) };
    case 'chaos.action': {
      const planned = c.upcoming.find((s) => s.seq === a.seq);
      const step: ChaosStep = planned ?? {
        seq: a.seq,
        atMs: a.atMs,
        description: a.description.replace(/^#\d+ at [\d.]+ s: /, ''),
      };
      return {
        ...c,
        upcoming: c.upcoming.filter((s) => s.seq > a.seq),
        recent: [...c.recent.filter((s) => s.seq !== a.seq), { ...step, atMs: a.atMs }].slice(
          -CHAOS_RECENT,
        ),
        started: c.started + 1,
        // The workers' faults follow the planned actions: they add to the count.
        total: Math.max(c.total, c.started + 1),
      };
    }
    case 'chaos.result': {
      if (!c.recent.some((s) => s.seq === a.seq)) return c;
      const outcome = { ok: a.ok, ms: a.ms, detail: a.detail, failedRequests: a.failedRequests };
      return { ...c, recent: c.recent.map((s) => (s.seq === a.seq ? { ...s, outcome } : s)) };
    }
    default:
      return c;
  }
}
