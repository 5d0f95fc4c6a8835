import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeInstallHint,
  requireComposeV2,
  type ComposeRunner,
} from '../../../sandbox/platform/compose-cli.js';
import { composePlatform } from '../../../sandbox/platform/compose.js';
import { loadPlatform } from '../../../sandbox/platform/choose.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { freeNumbers, listReplicas } from '../../../sandbox/sandbox/replicas.js';
import { startReplicas } from '../../../sandbox/sandbox/up.js';
import { bench, named, type Bench } from './helpers.js';

/**
 * A `docker compose up` on the in-memory engine: each service brought to its `--scale` count, else
 * the file's; the command lines are recorded.
 */
function composeOnMemory(b: Bench, plan: Plan) {
  const ups: string[][] = [];
  const run: ComposeRunner = async (args) => {
    if (args.join(' ') === 'compose version --short')
      return { exitCode: 0, stdout: '2.26.1', stderr: '' };
    ups.push(args);
    await b.engine.ensureNetwork(plan.network, {});
    for (const v of plan.volumes) await b.engine.ensureVolume(v, {});
    for (const s of plan.services.filter((x) => x.role !== 'cron')) {
      const i = args.findIndex((a, k) => args[k - 1] === '--scale' && a.startsWith(`${s.name}=`));
      const want = i >= 0 ? Number(args[i]!.split('=')[1]) : s.replicas;
      const have = (await listReplicas(b.engine, plan.sandboxId, s.name)).map((r) => r.number);
      const numbers = freeNumbers(have, Math.max(0, want - have.length));
      await startReplicas(plan, s, numbers, { engine: b.engine, emit: b.emit });
    }
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  return { run, ups };
}

/** A `docker` that answers `compose version` as given and records every other command. */
function fakeDocker(version: { exitCode: number; stdout?: string; stderr?: string }) {
  const calls: string[][] = [];
  const run: ComposeRunner = async (args) => {
    if (args.join(' ') === 'compose version --short') return { stdout: '', stderr: '', ...version };
    calls.push(args);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

describe('the compose engine', () => {
  it('is chosen with --engine compose and stays to repair, as plain Docker does', async () => {
    const p = await loadPlatform('compose');
    expect(p.engine).toBe('compose');
    expect(p.repairsItself).toBe(false);
    expect(p.downCommand).toBe('rehearsal down --engine compose');
    expect(p.kinds).toContain('disconnect');
  });

  it('says how to install the compose v2 plugin on each platform when none answers', async () => {
    const missing = fakeDocker({
      exitCode: 1,
      stderr: "docker: 'compose' is not a docker command.",
    });
    await expect(requireComposeV2(missing.run, 'linux')).rejects.toThrow(
      /no Docker Compose v2 plugin answers `docker compose version` \(docker: 'compose' is not a docker command\.\)/,
    );
    const err = await requireComposeV2(missing.run, 'linux').catch(
      (e: Error & { hint?: string }) => e,
    );
    expect((err as { hint?: string }).hint).toMatch(/apt-get install docker-compose-plugin/);
    expect(composeInstallHint('darwin')).toMatch(/Docker Desktop.*brew install docker-compose/);
    expect(composeInstallHint('win32')).toMatch(/update Docker Desktop/);
    const v1 = fakeDocker({ exitCode: 0, stdout: '1.29.2' });
    await expect(requireComposeV2(v1.run)).rejects.toThrow(/1\.29\.2 is not Compose v2/);
    const noCli = fakeDocker({ exitCode: 127, stderr: 'docker: command not found' });
    await expect(requireComposeV2(noCli.run)).rejects.toThrow(/docker CLI is not on PATH/);
    expect(await requireComposeV2(fakeDocker({ exitCode: 0, stdout: 'v2.26.1\n' }).run)).toBe(
      '2.26.1',
    );
  });

  it('refuses to deploy without the plugin, before writing or creating anything', async () => {
    await using b = await bench();
    const missing = fakeDocker({ exitCode: 1, stderr: 'unknown command' });
    await expect(
      composePlatform(missing.run).deploy(b.plan, { engine: b.engine, emit: b.emit }),
    ).rejects.toThrow(/no Docker Compose v2 plugin/);
    expect(missing.calls).toEqual([]);
    expect(named(b.engine)).toEqual([]);
  });

  it('removes with `docker compose down`, by project name alone when no compose.yaml is left', async () => {
    await using b = await bench();
    const docker = fakeDocker({ exitCode: 0, stdout: '2.26.1' });
    const run = { engine: b.engine, emit: b.emit };
    // Made as plain Docker would (compose labels and all); compose removes it as its own project.
    await (await loadPlatform('docker')).deploy(b.plan, run);
    const made = named(b.engine).length;
    rmSync(join(b.plan.stateDir, 'compose.yaml'));
    await composePlatform(docker.run).remove(b.plan, { ...run, volumes: true });
    const grace = Math.max(10, ...b.plan.services.map((s) => s.stopGraceSeconds));
    expect(docker.calls).toHaveLength(1);
    expect(docker.calls[0]).toEqual(
      expect.arrayContaining(['compose', '-p', b.plan.sandboxId, 'down', '--volumes']),
    );
    expect(docker.calls[0]?.join(' ')).toContain(`--remove-orphans --timeout ${grace}`);
    expect(docker.calls[0]).not.toContain('-f');
    expect(named(b.engine)).toEqual([]);
    expect(b.of('sandbox.removed').at(-1)).toMatchObject({ containers: made });
  });

  it('deploys with `docker compose up --wait`, keeping a running count as `up` does', async () => {
    await using b = await bench();
    const compose = composeOnMemory(b, b.plan);
    const platform = composePlatform(compose.run);
    const run = { engine: b.engine, emit: b.emit };
    const task = b.plan.services.find((s) => s.role === 'task')!;
    await platform.deploy(b.plan, run);
    expect(compose.ups[0]).toEqual(
      expect.arrayContaining(['up', '--detach', '--wait', '--pull', 'never', '--remove-orphans']),
    );
    expect(compose.ups[0]).not.toContain('--scale');
    // The initialization task's container stays, exited, once it has completed.
    expect(b.of('sandbox.ready').at(-1)?.replicas).toBe(named(b.engine, 'running').length);
    expect(b.of('replica.healthy')).toHaveLength(named(b.engine, 'running').length);
    await platform.scale(b.plan, task.name, task.replicas + 1, run);
    await platform.deploy(b.plan, run);
    expect(compose.ups[1]?.join(' ')).toContain(`--scale ${task.name}=${task.replicas + 1}`);
    await platform.deploy(b.plan, { ...run, replicasExplicit: true });
    expect(compose.ups[2]).not.toContain('--scale');
  });
});
