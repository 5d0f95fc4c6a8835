import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { findEngine } from '../../sandbox/engine/find-engine.js';
import { tempDir } from '../helpers/cli.js';
import { testEngine } from '../helpers/engine.js';
import { sshEngine, tlsEngine } from '../helpers/remote-engine.js';

// The ssh case reaches this machine's engine through sshd; the TLS case through a mutual-TLS front
// (remote-engine.ts says why not a second dockerd). Both need root and Debian's openssh-server
// (.ci/run installs it); under CI=true a missing piece is a failure, never a skip.
const engine = await testEngine();
const missing = [
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...(existsSync('/usr/sbin/sshd') ? [] : ['/usr/sbin/sshd (apt-get install openssh-server)']),
];
if (engine && missing.length > 0) {
  if (process.env.CI === 'true') throw new Error(`engine-remote tests need ${missing.join(', ')}`);
  console.warn(`engine-remote tests skipped: they need ${missing.join(', ')}`);
}
const t = tempDir('rehearsal-remote-');
afterAll(() => t.remove());

describe.skipIf(!engine || missing.length > 0)(
  'finding the engine the way the docker CLI does',
  () => {
    it('DOCKER_HOST=ssh://root@127.0.0.1:<port>: key login, host key from known_hosts', async () => {
      const dir = join(t.dir, 'ssh');
      const started = performance.now();
      const ssh = await sshEngine(dir, 39022);
      try {
        const remote = await findEngine(ssh.env);
        expect(remote.endpoint).toBe('ssh://root@127.0.0.1:39022 (DOCKER_HOST)');
        expect((await remote.info()).serverVersion).toBe((await engine!.info()).serverVersion);
        expect(
          Array.isArray(await remote.listContainers({ 'dev.rehearsal.sandbox': 'none' })),
        ).toBe(true);
        // A host whose key known_hosts does not list is refused, as ssh would.
        writeFileSync(join(ssh.env.HOME!, '.ssh/known_hosts'), '');
        await expect(findEngine(ssh.env)).rejects.toThrow(/known_hosts/);
        console.log(`ssh engine: ${Math.round(performance.now() - started)} ms`);
      } finally {
        await ssh.stop();
      }
    });

    it('DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, and a docker context with TLS, reach the engine behind mutual TLS', async () => {
      const dir = join(t.dir, 'tls');
      const started = performance.now();
      const tls = await tlsEngine(dir, 39376);
      try {
        const remote = await findEngine(tls.env);
        expect(remote.endpoint).toBe('tcp://127.0.0.1:39376 (DOCKER_HOST)');
        expect((await remote.info()).serverVersion).toMatch(/^\d+\./);
        // Without the client certificate the engine does not answer.
        await expect(findEngine({ DOCKER_HOST: tls.env.DOCKER_HOST })).rejects.toThrow(
          /no container engine answered/,
        );
        const config = join(dir, 'docker-config');
        const cert = tls.env.DOCKER_CERT_PATH;
        const created = await execa(
          'docker',
          ['context', 'create', 'rt-tls', '--docker'].concat(
            `host=${tls.env.DOCKER_HOST},ca=${cert}/ca.pem,cert=${cert}/cert.pem,key=${cert}/key.pem`,
          ),
          { env: { DOCKER_CONFIG: config }, reject: false },
        );
        expect(created.exitCode, created.stderr).toBe(0);
        const viaContext = await findEngine({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'rt-tls' });
        expect(viaContext.endpoint).toBe('tcp://127.0.0.1:39376 (docker context "rt-tls")');
        expect((await viaContext.info()).serverVersion).toMatch(/^\d+\./);
        console.log(`TLS engine: ${Math.round(performance.now() - started)} ms`);
      } finally {
        await tls.stop();
      }
    });
  },
);
