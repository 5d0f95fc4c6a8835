import { stripVTControlCharacters } from 'node:util';
import type { DashboardAction } from '../../../cli/ui/dashboard/actions.js';
import { dashboardReducer } from '../../../cli/ui/dashboard/reducer.js';
import {
  initialState,
  type DashboardState,
  type TimedEvent,
} from '../../../cli/ui/dashboard/state.js';
import type { RehearsalEvent } from '../../../sandbox/events.js';

/** The frame as text: colours stripped, durations and clock-dependent figures masked. */
export function frame(text: string | undefined): string {
  return stripVTControlCharacters(text ?? '')
    .replace(/\b\d+(\.\d+)? s\b/g, '<t> s')
    .replace(/\b\d+(ms|s|m|h)\b/g, '<t>')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** Lets React and Ink commit what the last input or dispatch scheduled. */
export const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

export const T0 = 1_800_000_000_000;

export const at = (e: RehearsalEvent, t = T0): TimedEvent => ({ ...e, at: t }) as TimedEvent;

/** The state after a sequence of actions, from the dashboard's initial state at T0. */
export function reduce(
  actions: DashboardAction[],
  from: DashboardState = initialState(T0),
): DashboardState {
  return actions.reduce(dashboardReducer, from);
}

export const PLAN: DashboardAction = {
  type: 'ui.plan',
  sandboxId: 'demo',
  product: 'Rehearsal Reference Patient Service',
  endpoints: [{ service: 'patient-api', url: 'https://patient-api.rehearsal.localhost:8443' }],
  services: [
    { name: 'database', role: 'database', desired: 1, min: 1, max: 1 },
    {
      name: 'patient-api',
      role: 'task',
      desired: 3,
      min: 2,
      max: 6,
      memoryLimitBytes: 256 * 1024 * 1024,
    },
  ],
};

const replica = (service: string, n: number) => ({
  service,
  replica: n,
  container: `demo-${service}-${n}`,
});

/** A sandbox brought up: database and three API replicas, healthy, with stats. */
export function runningState(): DashboardState {
  const events: DashboardAction[] = [PLAN];
  const all = [replica('database', 1), ...[1, 2, 3].map((n) => replica('patient-api', n))];
  for (const r of all) {
    events.push(at({ type: 'replica.created', ...r }));
    events.push(at({ type: 'replica.started', ...r }, T0 + 1000));
    events.push(at({ type: 'replica.healthy', ...r, ms: 2500 }, T0 + 3500));
    events.push(
      at({
        type: 'replica.stats',
        ...r,
        memoryBytes: (40 + r.replica * 10) * 1024 * 1024,
        memoryLimitBytes: r.service === 'database' ? 0 : 256 * 1024 * 1024,
        cpuPercent: r.replica * 1.5,
      }),
    );
  }
  events.push(at({ type: 'sandbox.ready', sandboxId: 'demo', ms: 4000, replicas: 4 }, T0 + 4000));
  events.push({ type: 'ui.tick', now: T0 + 65_000 });
  return reduce(events);
}
