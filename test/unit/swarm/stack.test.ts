import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseReplicas, waitForReplicas, type DockerCli } from '../../../sandbox/swarm/deploy.js';
import { swarmStackModel, swarmStackYaml } from '../../../sandbox/swarm/stack.js';
import { planOf } from '../export/declarations.js';

type Service = Record<string, unknown> & {
  deploy: Record<string, unknown>;
  secrets?: { source: string; target: string; mode: number; uid?: string }[];
  configs?: { source: string; target: string; mode: number }[];
  networks?: { default: { aliases: string[] } };
};
type Stack = {
  version: string;
  services: Record<string, Service>;
  networks: Record<string, unknown>;
  secrets: Record<string, { name: string; file: string }>;
  configs: Record<string, { name: string; file: string }>;
};

const composeCli = await execa('docker-compose', ['version'], { reject: false }).catch(
  () => undefined,
);
const haveCompose = composeCli?.exitCode === 0;

async function stack(name: Parameters<typeof planOf>[0], options = {}) {
  return swarmStackModel(await planOf(name), options) as unknown as Stack;
}

describe('the Swarm stack file', () => {
  it('deploys each task with replicas, memory limit, restart, update and rollback, over dnsrr', async () => {
    const s = await stack('reference');
    expect(s.version).toBe('3.8');
    expect(s.services['patient-api']?.deploy).toMatchObject({
      replicas: 3,
      resources: { limits: { memory: '256M' } },
      restart_policy: { condition: 'any' },
      update_config: { order: 'start-first', failure_action: 'rollback' },
      rollback_config: { order: 'start-first' },
      endpoint_mode: 'dnsrr',
      labels: { 'dev.rehearsal.sandbox': 'demo', 'dev.rehearsal.role': 'task' },
    });
    expect(s.services['patient-api']?.stop_grace_period).toBe('60s');
    expect(s.services.database?.healthcheck).toMatchObject({ interval: '2s', retries: 60 });
  });

  it('keeps out what `docker stack deploy` ignores or refuses: build, mem_limit, depends_on', async () => {
    const s = await stack('reference');
    for (const service of Object.values(s.services)) {
      expect(service).not.toHaveProperty('build');
      expect(service).not.toHaveProperty('mem_limit');
      expect(service).not.toHaveProperty('depends_on');
    }
  });

  it('publishes nothing on the host: the edge runs beside the stack on an attachable overlay', async () => {
    const s = await stack('smart');
    expect(s.networks.default).toMatchObject({ driver: 'overlay', attachable: true });
    expect(Object.keys(s.services)).not.toContain('proxy');
    expect(Object.keys(s.services)).toContain('idp');
    for (const service of Object.values(s.services)) expect(service).not.toHaveProperty('ports');
  });

  it('gives services virtual IPs where the cluster has IPVS', async () => {
    const s = await stack('reference', { networking: { endpointMode: 'vip' } });
    expect(s.services['patient-api']?.deploy.endpoint_mode).toBe('vip');
    expect(s.services.database?.deploy.endpoint_mode).toBe('vip');
  });

  it('judges a task by its health path from inside, as Swarm needs, and labels its containers', async () => {
    const api = (await stack('reference')).services['patient-api'] as Service & {
      healthcheck: { test: string[]; interval: string };
      labels: Record<string, string>;
    };
    expect(api.healthcheck.interval).toBe('2s');
    expect(api.healthcheck.test[0]).toBe('CMD-SHELL');
    expect(api.healthcheck.test[1]).toContain('http://127.0.0.1:8080/health');
    // `docker stack deploy` reads `$` as interpolation.
    expect(api.healthcheck.test[1]).not.toContain('$');
    expect(api.labels).toMatchObject({
      'dev.rehearsal.sandbox': 'demo',
      'com.docker.compose.service': 'patient-api',
    });
  });

  it('carries the sandbox secrets as Swarm secrets, mounted where they are used', async () => {
    const s = await stack('reference');
    expect(s.secrets.REHEARSAL_DB_PASSWORD).toEqual({
      name: 'demo_REHEARSAL_DB_PASSWORD',
      file: './secrets/REHEARSAL_DB_PASSWORD',
      labels: { 'dev.rehearsal.sandbox': 'demo', 'dev.rehearsal.version': expect.any(String) },
    });
    for (const name of ['database', 'patient-api']) {
      expect(s.services[name]?.secrets).toContainEqual({
        source: 'REHEARSAL_DB_PASSWORD',
        target: 'REHEARSAL_DB_PASSWORD',
        mode: 0o400,
      });
    }
    const plan = await planOf('reference');
    const yaml = swarmStackYaml(plan);
    expect(parse(yaml)).toEqual(swarmStackModel(plan));
    for (const value of Object.values(plan.secrets)) expect(yaml).not.toContain(value);
  });

  it('turns copied files into configs, and private ones (key, token) into secrets', async () => {
    const s = await stack('smart', { objectNames: { idp_admin_token: 'bv_token_abc' } });
    expect(s.configs.ca_root_pem).toMatchObject({
      name: 'bilirubin-visualizer_ca_root_pem',
      file: './ca/root.pem',
    });
    expect(s.secrets.idp_admin_token).toMatchObject({
      name: 'bv_token_abc',
      file: './idp/admin-token',
    });
    expect(s.services.idp?.secrets).toContainEqual({
      source: 'idp_admin_token',
      target: '/etc/rehearsal/idp-admin-token',
      mode: 0o400,
      uid: '1000',
      gid: '1000',
    });
    const task = Object.values(s.services).find((x) => x.configs);
    expect(task?.configs).toContainEqual({
      source: 'ca_root_pem',
      target: '/etc/rehearsal/ca/root.pem',
      mode: 0o444,
    });
  });

  it('leaves cron tasks to Rehearsal: Swarm has no schedule', async () => {
    const s = await stack('cds-hooks');
    expect(Object.keys(s.services)).not.toContain('opioid-prescribing-restart');
    expect(Object.keys(s.services)).toContain('opioid-prescribing-support-smart-on-fhir');
  });
});

describe.skipIf(!haveCompose)('the Swarm stack file, checked by docker-compose', () => {
  it.each(['reference', 'cds-hooks', 'smart'] as const)(
    'is valid compose file format 3.8 for %s',
    async (name) => {
      const dir = await mkdtemp(join(tmpdir(), 'rehearsal-stack-'));
      try {
        await writeFile(join(dir, 'stack.yaml'), swarmStackYaml(await planOf(name)));
        const r = await execa('docker-compose', ['-f', 'stack.yaml', 'config', '-q'], {
          cwd: dir,
          reject: false,
          env: { REHEARSAL_DB_PASSWORD: 'x' },
        });
        expect(r.exitCode, r.stderr).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    // docker-compose (Python) starts slowly on a busy machine.
    60_000,
  );
});

describe('waiting for the stack', () => {
  it('reads `docker stack services` lines', () => {
    expect(parseReplicas('demo_patient-api\t3/3\ndemo_database\t0/1 (max 1 per node)\n')).toEqual([
      { service: 'demo_patient-api', running: 3, desired: 3 },
      { service: 'demo_database', running: 0, desired: 1 },
    ]);
  });

  it('polls until every service runs all its replicas', async () => {
    const answers = ['demo_api\t1/3\ndemo_database\t1/1', 'demo_api\t3/3\ndemo_database\t1/1'];
    const calls: string[][] = [];
    const docker: DockerCli = async (args) => {
      calls.push(args);
      return { exitCode: 0, stdout: answers.shift() ?? '', stderr: '' };
    };
    const plan = await planOf('reference');
    expect(await waitForReplicas(plan, docker, { pollMs: 1 })).toBe(4);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.slice(0, 3)).toEqual(['stack', 'services', 'demo']);
  });

  it('says how to start a swarm when the engine is not in one', async () => {
    const docker: DockerCli = async () => ({
      exitCode: 1,
      stdout: '',
      stderr: 'Error response from daemon: This node is not a swarm manager.',
    });
    await expect(waitForReplicas(await planOf('reference'), docker, {})).rejects.toMatchObject({
      message: 'this Docker engine is not a Swarm manager',
      hint: expect.stringContaining('docker swarm init --advertise-addr 127.0.0.1'),
    });
  });

  it('names the services that did not converge in time', async () => {
    const docker: DockerCli = async () => ({ exitCode: 0, stdout: 'demo_api\t2/3', stderr: '' });
    await expect(
      waitForReplicas(await planOf('reference'), docker, { healthTimeoutMs: 0, pollMs: 1 }),
    ).rejects.toThrow(/did not converge: demo_api 2\/3/);
  });
});
