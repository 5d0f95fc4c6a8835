import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../sandbox/chaos/run.js';
import { listReplicas, SWARM_TASK_NAME } from '../../sandbox/sandbox/replicas.js';
import { rehearsal, referenceProject } from '../helpers/cli.js';
import { edgeClient, steadyLoad } from '../helpers/edge.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();
const env = {
  REHEARSAL_IMAGES: process.env.REHEARSAL_IMAGES ?? '',
  // Our own edge port, so the stack never meets another test's sandbox.
  REHEARSAL_PROXY_PORT: '38771',
};
const SERVICE = 'patient-api';

const docker = async (args: string[]) => {
  const r = await execa('docker', args, { reject: false, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout).trim(), stderr: String(r.stderr) };
};
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe.skipIf(!engine)('the reference service on a single-node Docker swarm', () => {
  const id = `rt-swarm-${randomBytes(3).toString('hex')}`;
  const project = referenceProject(id);
  const dir = project.dir;
  const stateDir = join(dir, '.rehearsal', id);
  // Only a swarm this test started is left again: an engine already in one stays in it.
  let initialised = false;

  beforeAll(async () => {
    writeFileSync(join(dir, 'rehearsal.yaml'), `replicas: 3\n`, { flag: 'a' });
    const state = await docker(['info', '--format', '{{.Swarm.LocalNodeState}}']);
    if (state.stdout !== 'active') {
      const init = await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      expect(init.exitCode, init.stderr).toBe(0);
      initialised = true;
    }
  });

  afterAll(async () => {
    await docker(['stack', 'rm', id]);
    if (engine) await removeSandbox(engine, id).catch(() => undefined);
    if (initialised) await docker(['swarm', 'leave', '--force']);
    project.remove();
  });

  const tasks = async () =>
    (await listReplicas(engine!, id, SERVICE)).filter(
      (r) => r.state === 'running' && r.labels[SWARM_TASK_NAME],
    );

  it('brings the stack up: 3 healthy replicas, the database, the edge on 127.0.0.1 only', async () => {
    const up = await rehearsal(['up', '--engine', 'swarm'], { cwd: dir, env });
    expect(up.exitCode, up.stderr).toBe(0);

    const services = await docker([
      'service',
      'ls',
      '--filter',
      `label=dev.rehearsal.sandbox=${id}`,
      '--format',
      '{{.Name}} {{.Replicas}}',
    ]);
    // The worker is a service of the stack; the initialization task is not (Swarm cannot order it).
    expect(lines(services.stdout).sort()).toEqual([
      `${id}_database 1/1`,
      `${id}_${SERVICE} 3/3`,
      `${id}_session-expiry 1/1`,
    ]);
    const running = await tasks();
    expect(running).toHaveLength(3);
    for (const t of running) expect((await engine!.inspectContainer(t.id)).health).toBe('healthy');
    const network = await docker([
      'network',
      'inspect',
      `${id}_default`,
      '--format',
      '{{.Driver}} {{.Attachable}}',
    ]);
    expect(network.stdout).toBe('overlay true');

    // Swarm publishes nothing; the only ports on the host are the edge's, on 127.0.0.1.
    for (const s of lines(services.stdout)) {
      const ports = await docker([
        'service',
        'inspect',
        s.split(' ')[0]!,
        '--format',
        '{{json .Endpoint.Ports}}',
      ]);
      expect(ports.stdout).toBe('null');
    }
    const all = (await labelled(engine!, id)).containers;
    const bindings = await docker([
      'inspect',
      ...all,
      '--format',
      '{{json .NetworkSettings.Ports}}',
    ]);
    const hostIps = lines(bindings.stdout).flatMap((l) =>
      Object.values((JSON.parse(l) ?? {}) as Record<string, { HostIp: string }[] | null>).flatMap(
        (b) => (b ?? []).map((x) => x.HostIp),
      ),
    );
    expect(hostIps.length).toBeGreaterThan(0);
    expect(new Set(hostIps)).toEqual(new Set(['127.0.0.1']));

    // Through the edge, from the host: every task answers in turn (dnsrr: the name lists them all).
    const load = await steadyLoad(edgeClient(stateDir, SERVICE, 38771), '/health', {
      concurrency: 4,
      durationMs: 3000,
      maxRequests: 120,
    });
    expect(load.failed).toEqual([]);
    expect(Object.keys(load.replicas).sort()).toEqual(running.map((t) => t.id.slice(0, 12)).sort());
  });

  it('lets Swarm replace killed tasks while traffic through the edge recovers', async () => {
    writeFileSync(
      join(dir, 'kills.yaml'),
      '- { at: 3s, action: kill }\n- { at: 16s, action: kill, target: 1 }\n',
    );
    const r = await rehearsal(
      [
        'chaos',
        '--engine',
        'swarm',
        '--scenario',
        'kills.yaml',
        '--duration',
        '30',
        '--rps',
        '20',
        '--json',
      ],
      { cwd: dir, env, timeoutMs: 240_000 },
    );
    expect(r.stdout, r.stderr).not.toBe('');
    const report = JSON.parse(r.stdout) as ChaosReport;
    const kills = report.actions.filter((a) => a.action.kind === 'kill');
    console.log(
      `swarm: kill → replacement healthy ${kills.map((k) => k.replacementHealthyMs).join(', ')} ms, serving through the edge ${kills.map((k) => k.replacementServingMs).join(', ')} ms; ` +
        `failed requests per kill ${kills.map((k) => k.failedRequests).join(', ')}; errors ${JSON.stringify(report.traffic.errors)}`,
    );
    expect(report.engine).toBe('swarm');
    expect(kills).toHaveLength(2);
    for (const k of kills) {
      expect(k.ok, k.detail).toBe(true);
      expect(k.replacementHealthyMs).toBeGreaterThan(0);
      expect(k.replacementServingMs).toBeGreaterThan(0);
    }
    expect(report.recovery.this).toMatchObject({ engine: 'swarm', kills: 2 });
    expect(report.verdicts.find((v) => v.requirement === 'incorruptible')?.outcome).toBe('pass');
    expect(report.traffic.lostWrites).toBe(0);

    // Swarm, not Rehearsal, replaced them: every replica is a Swarm task, two of them new.
    const running = await tasks();
    expect(running).toHaveLength(3);
    const plain = (await listReplicas(engine!, id, SERVICE)).filter(
      (c) => !c.labels[SWARM_TASK_NAME],
    );
    expect(plain).toEqual([]);
    const history = await docker([
      'service',
      'ps',
      `${id}_${SERVICE}`,
      '--format',
      '{{.DesiredState}} {{.CurrentState}}',
    ]);
    expect(lines(history.stdout).filter((l) => l.startsWith('Running'))).toHaveLength(3);
    expect(
      lines(history.stdout).filter((l) => l.startsWith('Shutdown')).length,
    ).toBeGreaterThanOrEqual(2);

    const after = await steadyLoad(edgeClient(stateDir, SERVICE, 38771), '/health', {
      concurrency: 4,
      durationMs: 2000,
      maxRequests: 80,
    });
    expect(after.failed).toEqual([]);
  });

  it('`down --engine swarm` removes the stack and leaves nothing labelled', async () => {
    const down = await rehearsal(['down', '--engine', 'swarm', '--volumes'], { cwd: dir, env });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labelled(engine!, id)).toEqual({ containers: [], networks: [], volumes: [] });
    for (const kind of ['service', 'secret', 'config']) {
      const left = await docker([
        kind,
        'ls',
        '--filter',
        `label=dev.rehearsal.sandbox=${id}`,
        '--format',
        '{{.Name}}',
      ]);
      expect(left.stdout, `${kind}s left`).toBe('');
    }
  });
});
