import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerOptions, engineCandidates } from '../../../sandbox/engine/find-engine.js';
import { knownHostsVerifier } from '../../../sandbox/engine/known-hosts.js';
import { UserError } from '../../../sandbox/errors.js';

const dir = () => mkdtempSync(join(tmpdir(), 'rh-conn-'));

describe('engine addresses the docker CLI understands', () => {
  it('DOCKER_TLS_VERIFY/DOCKER_TLS and DOCKER_CERT_PATH (default: the CLI config folder)', () => {
    const env = {
      DOCKER_HOST: 'tcp://127.0.0.1:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: '/c',
    };
    expect(engineCandidates(env, '/home/u', 'linux')[0]!.tls).toEqual({ dir: '/c', verify: true });
    const bare = { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1' };
    expect(engineCandidates(bare, '/home/u', 'linux')[0]!.tls).toEqual({
      dir: '/home/u/.docker',
      verify: false,
    });
    expect(
      engineCandidates({ DOCKER_HOST: 'tcp://h:2375' }, '/u', 'linux')[0]!.tls,
    ).toBeUndefined();
  });

  it('reads the TLS folder of a docker context', () => {
    const home = dir();
    const digest = createHash('sha256').update('remote').digest('hex');
    mkdirSync(join(home, '.docker/contexts/meta', digest), { recursive: true });
    mkdirSync(join(home, '.docker/contexts/tls', digest, 'docker'), { recursive: true });
    writeFileSync(
      join(home, '.docker/contexts/meta', digest, 'meta.json'),
      JSON.stringify({
        Endpoints: { docker: { Host: 'tcp://10.0.0.2:2376', SkipTLSVerify: false } },
      }),
    );
    const [c] = engineCandidates({ DOCKER_CONTEXT: 'remote' }, home, 'linux');
    expect(c).toEqual({
      host: 'tcp://10.0.0.2:2376',
      source: 'docker context "remote"',
      tls: { dir: join(home, '.docker/contexts/tls', digest, 'docker'), verify: true },
    });
  });

  it('gives docker-modem https with the folder’s ca, cert and key', () => {
    const certs = dir();
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), f);
    const o = dockerOptions('tcp://127.0.0.1:2376', { tls: { dir: certs, verify: true } });
    expect(o).toMatchObject({ host: '127.0.0.1', port: 2376, protocol: 'https' });
    expect(String(o.ca)).toBe('ca.pem');
    expect(String(o.key)).toBe('key.pem');
    expect((o as { agent?: unknown }).agent).toBeUndefined();
  });

  it('gives docker-modem ssh with the agent, or the default key, and refuses with neither', () => {
    const home = dir();
    const agent = dockerOptions('ssh://dev@build.example:2222', {
      env: { HOME: home, SSH_AUTH_SOCK: '/tmp/agent.sock' },
    });
    expect(agent).toMatchObject({
      protocol: 'ssh',
      host: 'build.example',
      port: 2222,
      username: 'dev',
      sshOptions: { agent: '/tmp/agent.sock' },
    });
    expect(() => dockerOptions('ssh://dev@build.example', { env: { HOME: home } })).toThrow(
      UserError,
    );
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh/id_ed25519'), 'KEY');
    const keyed = dockerOptions('ssh://dev@build.example', { env: { HOME: home } });
    expect(keyed).toMatchObject({ port: 22 });
    expect(String(keyed.sshOptions?.privateKey)).toBe('KEY');
  });
});

describe('known_hosts', () => {
  const key = Buffer.from('the host key');
  const other = Buffer.from('another key');

  it('accepts the listed key for the host (plain, [host]:port, hashed) and nothing else', () => {
    const home = dir();
    const file = join(home, 'known_hosts');
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('hashed.example').digest('base64');
    writeFileSync(
      file,
      [
        `# comment`,
        `plain.example,10.0.0.9 ssh-ed25519 ${key.toString('base64')}`,
        `[127.0.0.1]:2222 ssh-ed25519 ${key.toString('base64')}`,
        `|1|${salt.toString('base64')}|${hash} ssh-ed25519 ${key.toString('base64')}`,
      ].join('\n'),
    );
    expect(knownHostsVerifier(file, 'plain.example', 22)(key)).toBe(true);
    expect(knownHostsVerifier(file, '10.0.0.9', 22)(key)).toBe(true);
    expect(knownHostsVerifier(file, '127.0.0.1', 2222)(key)).toBe(true);
    expect(knownHostsVerifier(file, 'hashed.example', 22)(key)).toBe(true);
    expect(knownHostsVerifier(file, 'plain.example', 22)(other)).toBe(false);
    expect(knownHostsVerifier(file, '127.0.0.1', 22)(key)).toBe(false);
    expect(knownHostsVerifier(join(home, 'absent'), 'plain.example', 22)(key)).toBe(false);
  });
});
