import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import type { Replica } from '../sandbox/replicas.js';
import { scale } from '../sandbox/scale.js';
import { supervise } from '../sandbox/supervise.js';
import { CHAOS_KINDS, type ChaosKind } from './action.js';
import { replaceAll, type ActionContext, type ActionOutcome } from './execute.js';

/**
 * What differs between the engines chaos runs on: who repairs a fault, how a task is scaled or
 * redeployed, and which containers are a task's replicas. On plain Docker Rehearsal's supervisor
 * replaces what dies; on Swarm (swarm/chaos-platform.ts) Swarm does, and Rehearsal only watches.
 */
export interface ChaosPlatform {
  readonly engine: 'docker' | 'swarm';
  /** The actions it can carry out; the random schedule draws only these. */
  readonly kinds: readonly ChaosKind[];
  /** Repairs (or watches the repair of) faults until the signal aborts, emitting replica events. */
  repair(plan: Plan, options: { engine: Engine; emit: Emit; signal: AbortSignal }): Promise<void>;
  scale(
    plan: Plan,
    service: string,
    to: number,
    options: { engine: Engine; emit: Emit },
  ): Promise<{ added: string[]; removed: string[] }>;
  /** Replaces every replica of the task at once, as a redeploy would. */
  replaceAll(ctx: ActionContext, budgetMs: number): Promise<ActionOutcome>;
  /** Of a task's containers, those that are its replicas now (a dead one is a fault to repair). */
  replicas(all: Replica[]): Replica[];
}

/** Plain Docker: Rehearsal's own supervisor repairs, as the Marketplace's platform would. */
export const dockerPlatform: ChaosPlatform = {
  engine: 'docker',
  kinds: CHAOS_KINDS,
  repair: (plan, options) => supervise(plan, options),
  scale: (plan, service, to, options) => scale(plan, service, to, options),
  replaceAll,
  replicas: (all) => all.filter((r) => r.labels['com.docker.compose.oneoff'] !== 'True'),
};
