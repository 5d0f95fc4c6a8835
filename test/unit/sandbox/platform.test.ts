import { describe, expect, it } from 'vitest';
import { ENGINE_NAMES, loadPlatform, parseEngineName } from '../../../sandbox/platform/choose.js';
import { refuseUnsupported } from '../../../sandbox/platform/platform.js';
import { listReplicas } from '../../../sandbox/sandbox/replicas.js';
import { bench, named } from './helpers.js';

describe('choosing a platform', () => {
  it('knows docker (the default), swarm and compose, and refuses another name with the list', async () => {
    expect(ENGINE_NAMES).toEqual(['docker', 'swarm', 'compose']);
    expect(parseEngineName(undefined)).toBe('docker');
    expect(() => parseEngineName('nomad')).toThrow(/--engine nomad is not an engine/);
    expect((await loadPlatform(undefined)).repairsItself).toBe(false);
    const swarm = await loadPlatform('swarm', { endpointMode: 'vip' });
    expect(swarm.repairsItself).toBe(true);
    expect(swarm.downCommand).toBe('rehearsal down --engine swarm');
    await expect(loadPlatform('swarm', { endpointMode: 'ipvs' })).rejects.toThrow(
      /not a Swarm endpoint mode/,
    );
  });

  it('refuses a scenario with actions the platform cannot take, naming them', async () => {
    const swarm = await loadPlatform('swarm');
    const actions = [
      { seq: 1, atMs: 0, kind: 'kill' as const },
      { seq: 2, atMs: 1, kind: 'disconnect' as const },
    ];
    expect(() => refuseUnsupported(swarm, actions, 'chaos.yaml')).toThrow(
      /chaos\.yaml asks for disconnect, which chaos does not do on swarm/,
    );
    const docker = await loadPlatform('docker');
    expect(() => refuseUnsupported(docker, actions, 'x')).not.toThrow();
  });
});

describe('the Docker platform on the in-memory engine', () => {
  it('deploys, reports, scales and removes through one object', async () => {
    await using b = await bench();
    const platform = await loadPlatform('docker');
    const run = { engine: b.engine, emit: b.emit };
    await platform.deploy(b.plan, run);
    const task = b.plan.services.find((s) => s.role === 'task')!;
    const s = await platform.status(b.plan, b.engine);
    expect(s.replicas.filter((r) => r.service === task.name)).toHaveLength(task.replicas);
    // Every long-running replica is healthy; the initialization task's container ran to its end.
    expect(s.replicas.filter((r) => r.role !== 'init').every((r) => r.health === 'healthy')).toBe(
      true,
    );
    expect(s.replicas.filter((r) => r.role === 'init').map((r) => r.detail)).toEqual([
      'completed: exited, exit code 0',
    ]);
    await platform.scale(b.plan, task.name, task.replicas + 1, run);
    // No one-off (cron) container runs: every container of the sandbox is a replica.
    const replicas = await listReplicas(b.engine, b.plan.sandboxId);
    expect(platform.replicas(replicas)).toHaveLength(replicas.length);
    await platform.remove(b.plan, run);
    expect(named(b.engine)).toEqual([]);
  });
});
