import type { ChaosAction, ChaosKind } from '../chaos/action.js';
import type { ActionContext, ActionOutcome } from '../chaos/execute.js';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import type { Replica } from '../sandbox/replicas.js';
import type { SandboxStatus } from '../sandbox/status.js';

/** The engines a sandbox can run on; `--engine` names one (sandbox/platform/choose.ts). */
export type EngineName = 'docker' | 'swarm' | 'compose';

/** What every platform operation needs: the engine API and where its events go. */
export interface PlatformRun {
  engine: Engine;
  emit: Emit;
}

export interface DeployOptions extends PlatformRun {
  signal?: AbortSignal;
  /** Every task's count was asked for (true), or the named tasks'; others keep their running count. */
  replicasExplicit?: boolean | readonly string[];
  healthTimeoutMs?: number;
}

/**
 * The one seam between the commands and an engine: how a sandbox is deployed, removed, read,
 * scaled and repaired on it. `cli/context.ts` chooses one per run from `--engine`, so no command
 * branches on an engine; a new engine is one file implementing this, and one line in
 * `choose.ts`. Chaos runs on the same object (it was `ChaosPlatform`): who repairs a fault, how a
 * task is scaled or redeployed, and which containers are a task's replicas.
 */
export interface Platform {
  readonly engine: EngineName;
  /** Where the sandbox runs, for a sentence: "plain Docker", "the swarm". */
  readonly runsOn: string;
  /** The command that removes a sandbox deployed here. */
  readonly downCommand: string;
  /**
   * True when the engine keeps the sandbox at its plan on its own (Swarm): `up` returns once it
   * is deployed. False when Rehearsal must stay to repair it (plain Docker): `up` follows.
   */
  readonly repairsItself: boolean;
  /** The chaos actions it can carry out; the random schedule draws only these. */
  readonly kinds: readonly ChaosKind[];

  /** Brings the sandbox to its plan and waits until every replica is healthy. */
  deploy(plan: Plan, options: DeployOptions): Promise<void>;
  /** Removes everything the sandbox has on the engine; its volumes too when asked. */
  remove(plan: Plan, options: PlatformRun & { volumes?: boolean }): Promise<void>;
  /** What runs now, one health reading per replica. */
  status(plan: Plan, engine: Engine): Promise<SandboxStatus>;
  /** Sets a task's replica count within its bounds and waits for the new ones to be healthy. */
  scale(
    plan: Plan,
    service: string,
    to: number,
    options: PlatformRun & { signal?: AbortSignal },
  ): Promise<{ added: string[]; removed: string[] }>;
  /** Of a task's containers, those that are its replicas now (a dead one is a fault to repair). */
  replicas(all: Replica[]): Replica[];
  /** Repairs (or watches the repair of) faults until the signal aborts, emitting replica events. */
  repair(plan: Plan, options: PlatformRun & { signal: AbortSignal }): Promise<void>;
  /** Samples every replica's memory and CPU (`replica.stats`) until the signal aborts. */
  watch(plan: Plan, options: PlatformRun & { signal: AbortSignal }): Promise<void>;
  /** Replaces every replica of the task at once, as a redeploy would. */
  replaceAll(ctx: ActionContext, budgetMs: number): Promise<ActionOutcome>;
}

/** Settings a platform may read from the command line; each ignores those it has no use for. */
export interface PlatformSettings {
  /** Swarm: `dnsrr` (default, works without IPVS) or `vip`. */
  endpointMode?: string;
}

/**
 * Refuses a scenario or journal that names actions the platform cannot take (on Swarm:
 * disconnect, db-restart), before anything is deployed.
 */
export function refuseUnsupported(
  platform: Platform,
  actions: ChaosAction[],
  source: string,
): void {
  const refused = [...new Set(actions.map((a) => a.kind))].filter(
    (k) => !platform.kinds.includes(k),
  );
  if (refused.length === 0) return;
  throw new UserError(
    `${source} asks for ${refused.join(', ')}, which chaos does not do on ${platform.engine}`,
    {
      hint: `On ${platform.engine} the actions are: ${platform.kinds.join(', ')}. Leave the others out, or run with --engine docker.`,
    },
  );
}
