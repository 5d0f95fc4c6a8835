import type { Engine } from '../engine/engine.js';
import type { Emit } from '../events.js';
import { LABEL } from '../labels.js';
import { listReplicas } from './replicas.js';

export interface DownOptions {
  engine: Engine;
  emit: Emit;
  /** Also remove the sandbox's volumes (its database's data). */
  volumes?: boolean;
  /** Seconds each replica gets to stop before it is killed. */
  stopTimeoutSeconds?: number;
}

/**
 * Removes everything labelled with the sandbox id: containers (stopped gracefully first),
 * networks, and — only when asked — volumes. Works from labels alone, so it also cleans up after
 * an `up` that was killed halfway.
 */
export async function down(
  sandboxId: string,
  options: DownOptions,
): Promise<{ containers: number; networks: number; volumes: number }> {
  const { engine, emit } = options;
  const replicas = await listReplicas(engine, sandboxId);
  await Promise.all(
    replicas.map(async (r) => {
      emit({
        type: 'replica.stopping',
        service: r.service,
        replica: r.number,
        container: r.name,
        reason: 'down',
      });
      if (r.state === 'running' || r.state === 'paused' || r.state === 'restarting') {
        if (r.state === 'paused') await engine.killContainer(r.id);
        else await engine.stopContainer(r.id, options.stopTimeoutSeconds ?? 10);
      }
      await engine.removeContainer(r.id, { force: true });
      emit({ type: 'replica.removed', service: r.service, replica: r.number, container: r.name });
    }),
  );
  const filter = { [LABEL.sandbox]: sandboxId };
  const networks = await engine.listNetworks(filter);
  for (const n of networks) await engine.removeNetwork(n.name);
  let volumes = 0;
  if (options.volumes) {
    const list = await engine.listVolumes(filter);
    for (const v of list) await engine.removeVolume(v.name);
    volumes = list.length;
  }
  const result = { containers: replicas.length, networks: networks.length, volumes };
  emit({ type: 'sandbox.removed', sandboxId, ...result });
  return result;
}
