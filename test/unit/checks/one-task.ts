import type { Facts, TaskFacts } from '../../../sandbox/checks/facts/types.js';
import type { ServicePlan } from '../../../sandbox/plan/types.js';

/** Facts of a sandbox that came up, with one HTTP task `api` and what a test adds to it. */
export function oneTaskFacts(task: Partial<TaskFacts>, over: Partial<Facts> = {}): Facts {
  const service = { name: 'api', role: 'task', probe: { port: 8080, path: '/health' } };
  return {
    profile: 'hspc-2016',
    stopBudgetSeconds: 60,
    bootstrapBudgetMs: 180_000,
    canary: 'Canary0',
    bootstrap: { ok: true, ms: 1000 },
    tasks: [
      {
        service: service as ServicePlan,
        replicas: [{ name: 's-api-1' }] as TaskFacts['replicas'],
        hostProbes: [],
        ...task,
      },
    ],
    timeline: [],
    ...over,
  };
}
