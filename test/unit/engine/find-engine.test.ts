import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dockerOptions,
  engineCandidates,
  findEngine,
} from '../../../sandbox/engine/find-engine.js';
import { UserError } from '../../../sandbox/errors.js';

describe('engineCandidates', () => {
  it('tries DOCKER_HOST alone when it is set', () => {
    expect(engineCandidates({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, '/home/u', 'linux')).toEqual([
      { host: 'tcp://127.0.0.1:2375', source: 'DOCKER_HOST' },
    ]);
  });

  it('puts the current docker context first, then the usual sockets', () => {
    const home = mkdtempSync(join(tmpdir(), 'rh-home-'));
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'colima' }));
    const digest = createHash('sha256').update('colima').digest('hex');
    mkdirSync(join(home, '.docker/contexts/meta', digest), { recursive: true });
    writeFileSync(
      join(home, '.docker/contexts/meta', digest, 'meta.json'),
      JSON.stringify({ Endpoints: { docker: { Host: 'unix:///u/.colima/default/docker.sock' } } }),
    );
    const list = engineCandidates({ XDG_RUNTIME_DIR: '/run/user/1000' }, home, 'linux');
    expect(list[0]).toEqual({
      host: 'unix:///u/.colima/default/docker.sock',
      source: 'docker context "colima"',
    });
    expect(list.map((c) => c.source)).toEqual(
      expect.arrayContaining(['default socket', 'rootless Docker', 'Colima', 'Podman (rootless)']),
    );
  });

  it('maps host strings to dockerode options', () => {
    expect(dockerOptions('unix:///var/run/docker.sock')).toEqual({
      socketPath: '/var/run/docker.sock',
    });
    expect(dockerOptions('tcp://127.0.0.1:2376')).toMatchObject({ host: '127.0.0.1', port: 2376 });
  });
});

describe('findEngine', () => {
  it('lists everything it tried and how to fix it when nothing answers', async () => {
    const err = await findEngine({}, [
      { host: 'unix:///nonexistent/docker.sock', source: 'default socket' },
      { host: 'tcp://127.0.0.1:1', source: 'DOCKER_HOST' },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('unix:///nonexistent/docker.sock (default socket): no such socket');
    expect(e.message).toContain('tcp://127.0.0.1:1 (DOCKER_HOST)');
    expect(e.hint).toMatch(/systemctl start docker|Docker Desktop/);
  });
});
