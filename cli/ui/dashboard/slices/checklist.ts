import type { DashboardAction } from '../actions.js';
import type { ChecklistView } from '../state.js';

/**
 * The requirement a chaos verdict bears on (sandbox/checks/catalogue.ts): "stateless" is the
 * sticky-sessions clause of dynamically scalable.
 */
export const CHAOS_REQUIREMENT: Record<string, string> = {
  ephemeral: 'ephemeral',
  incorruptible: 'incorruptible',
  scalable: 'dynamically-scalable',
  stateless: 'dynamically-scalable',
};

/**
 * Live verdicts per requirement: a check run's `check.step` and `requirement.judged` events,
 * and those of chaos runs (kept apart: a later check run does not erase them).
 */
export function checklistReducer(c: ChecklistView, a: DashboardAction): ChecklistView {
  switch (a.type) {
    case 'ui.checks': {
      if (a.state === 'running') {
        const { summary: _s, step: _t, ...rest } = c;
        return { ...rest, state: 'running', checks: {} };
      }
      const { step: _t, ...rest } = c;
      return { ...rest, state: a.state, ...(a.summary ? { summary: a.summary } : {}) };
    }
    case 'check.step':
      return c.state === 'running' ? { ...c, step: a.text } : c;
    case 'requirement.judged': {
      if (a.source === 'check') {
        const why = a.outcome === 'pass' ? {} : { why: a.summary };
        return { ...c, checks: { ...c.checks, [a.requirement]: { verdict: a.outcome, ...why } } };
      }
      const id = CHAOS_REQUIREMENT[a.requirement];
      if (!id) return c;
      const verdict = { verdict: a.outcome, why: a.summary };
      const others = (c.chaos[id] ?? []).filter((v) => v.name !== a.requirement);
      return { ...c, chaos: { ...c.chaos, [id]: [...others, { name: a.requirement, verdict }] } };
    }
    default:
      return c;
  }
}

const RANK: Record<ChecklistView['checks'][string]['verdict'], number> = {
  fail: 4,
  warn: 3,
  pass: 2,
  'not-applicable': 1,
  'not-checked': 0,
};

/** The verdict shown for a requirement: the worst of its check's and its chaos verdicts. */
export function shownVerdict(
  c: ChecklistView,
  id: string,
): { verdict: ChecklistView['checks'][string]; source: string } | undefined {
  const all = [
    ...(c.checks[id] ? [{ verdict: c.checks[id], source: 'check' }] : []),
    ...(c.chaos[id] ?? []).map((v) => ({ verdict: v.verdict, source: `chaos ${v.name}` })),
  ];
  return all.sort((x, y) => RANK[y.verdict.verdict] - RANK[x.verdict.verdict])[0];
}
