import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import type { Plan } from '../plan/types.js';
import { markerAlive, readChaosMarker, removeChaosMarker } from './chaos-marker.js';
import { admitAtEdge, edgeAdmin } from './edge-admin.js';
import { listReplicas, SWARM_TASK_NAME } from './replicas.js';
import { writeDesired } from './state.js';

export interface RepairResult {
  /** What was put right, one line each. */
  repairs: string[];
  /** Replica counts to converge to (from an interrupted chaos run), by task. */
  desired?: Record<string, number>;
  /** A chaos run is going on in another process: nothing was touched. */
  busy?: string;
}

/**
 * Undoes what an interrupted chaos run left behind, as Chaos Toolkit's rollbacks do: paused
 * containers are unpaused, replicas cut off from the sandbox's network are connected again with
 * their aliases, and holds at the edge on running replicas are lifted. The faults are read from
 * the containers themselves (their state, their networks), so no journal is needed; a chaos
 * run's marker, when one was left, gives the replica counts from before it, which `up` then
 * converges to. Does nothing while a chaos run is alive in another process.
 */
export async function repairSandbox(
  plan: Plan,
  options: { engine: Engine; emit: Emit },
): Promise<RepairResult> {
  const { engine, emit } = options;
  const marker = await readChaosMarker(plan.stateDir);
  if (marker && markerAlive(marker)) {
    return {
      repairs: [],
      busy: `a chaos run (pid ${marker.pid}, journal ${marker.journal}) is going on`,
    };
  }
  const repairs: string[] = [];
  const all = await listReplicas(engine, plan.sandboxId);
  for (const c of all.filter((r) => r.state === 'paused')) {
    await engine.unpauseContainer(c.id);
    repairs.push(`unpaused ${c.name}`);
  }
  const admin = marker ? await edgeAdmin(plan, engine).catch(() => undefined) : undefined;
  // Chaos cuts off only a task's replicas, and only those Rehearsal started (Swarm owns the
  // networks of its tasks).
  for (const s of plan.services.filter((x) => x.role === 'task')) {
    const replicas = all.filter(
      (x) => x.service === s.name && x.state === 'running' && !x.labels[SWARM_TASK_NAME],
    );
    for (const r of replicas) {
      const d = await engine.inspectContainer(r.id).catch(() => undefined);
      if (!d || d.state !== 'running') continue;
      let ip = d.ipAddress;
      if (d.networks && !d.networks.includes(plan.network)) {
        await engine.connectNetwork(plan.network, r.id, [s.name, ...s.aliases]);
        repairs.push(`connected ${r.name} to ${plan.network} again`);
        ip = (await engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
      }
      // A drain begun by the dead run would keep a kept replica out of the rotation for good.
      if (admin && ip) await admitAtEdge(admin, s.name, ip);
    }
  }
  let desired: Record<string, number> | undefined;
  if (marker) {
    // After a `down`, nothing is left to put back: the plan's own counts apply.
    if (all.length > 0) {
      desired = marker.desired;
      await writeDesired(plan.stateDir, marker.desired);
      repairs.push(
        `replica counts from before the interrupted chaos run (${marker.startedAt}, journal ${marker.journal}): ${Object.entries(
          marker.desired,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    await removeChaosMarker(plan.stateDir);
  }
  if (repairs.length > 0) emit({ type: 'sandbox.repaired', sandboxId: plan.sandboxId, repairs });
  return { repairs, ...(desired ? { desired } : {}) };
}
