import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { execa, type ResultPromise } from 'execa';
import { findEngine } from '../../sandbox/engine/find-engine.js';

/**
 * A second place an engine answers, started by a test and stopped after it: an sshd on
 * 127.0.0.1 (key login, its own host key and config) in front of this machine's engine, or a
 * TLS front on 127.0.0.1 that asks for a client certificate, in front of this machine's engine.
 * Both need root (CI runs as root).
 */
export interface RemoteEngine {
  env: Record<string, string>;
  stop: () => Promise<void>;
}

async function run(command: string, args: string[]): Promise<void> {
  await execa(command, args, { stdin: 'ignore' });
}

/** Waits until `findEngine(env)` answers, or the process exits, or `ms` pass. */
async function answering(env: Record<string, string>, child: ResultPromise, ms: number) {
  let exited = false;
  void child.finally(() => (exited = true)).catch(() => undefined);
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end && !exited) {
    try {
      return await findEngine(env);
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const out = await child.catch((e: unknown) => e);
  throw new Error(`the engine did not answer: ${String(last)}\n${String(out)}`);
}

/** sshd on 127.0.0.1:port; `HOME` holds the client's key and a known_hosts naming the server. */
export async function sshEngine(dir: string, port: number): Promise<RemoteEngine> {
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh/id_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(home, '.ssh/id_ed25519.pub')));
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ');
  writeFileSync(
    join(home, '.ssh/known_hosts'),
    `[127.0.0.1]:${port} ${hostKey[0]} ${hostKey[1]}\n`,
  );
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      // The test's files live under /tmp, which StrictModes would refuse (world-writable).
      'StrictModes no',
      'UsePAM no',
    ].join('\n') + '\n',
  );
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
  const child = execa('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    reject: false,
    stdin: 'ignore',
  });
  const env = { HOME: home, DOCKER_HOST: `ssh://root@127.0.0.1:${port}` };
  await answering(env, child, 20_000);
  return { env, stop: () => stopChild(child) };
}

/** The engine behind --tlsverify-style mutual TLS on 127.0.0.1:port, and certificates made for it. */
export async function tlsEngine(dir: string, port: number): Promise<RemoteEngine> {
  const certs = join(dir, 'certs');
  mkdirSync(certs, { recursive: true });
  const ssl = (args: string[]) => run('openssl', args);
  const at = (name: string) => join(certs, name);
  await ssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      at('ca-key.pem'),
      '-out',
      at('ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=rt-tls-ca',
    ]),
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(at(`${name}.ext`), `${ext}\n`);
    await ssl(
      ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        at(`${name}-key.pem`),
        '-out',
        at(`${name}.csr`),
        '-subj',
        `/CN=${name}`,
      ]),
    );
    await ssl(
      [
        'x509',
        '-req',
        '-in',
        at(`${name}.csr`),
        '-CA',
        at('ca.pem'),
        '-CAkey',
        at('ca-key.pem'),
      ].concat([
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        at(`${name}.ext`),
        '-out',
        at(`${name}.pem`),
      ]),
    );
  }
  // The CLI's layout: DOCKER_CERT_PATH holds ca.pem, cert.pem and key.pem.
  const client = join(dir, 'client');
  mkdirSync(client);
  writeFileSync(join(client, 'ca.pem'), readFileSync(at('ca.pem')));
  writeFileSync(join(client, 'cert.pem'), readFileSync(at('client.pem')));
  writeFileSync(join(client, 'key.pem'), readFileSync(at('client-key.pem')));
  // The engine behind mutual TLS, as `dockerd --tlsverify` serves it: a TLS listener on
  // 127.0.0.1 that asks for a client certificate signed by the CA and pipes each connection to
  // this machine's engine socket. Not a second dockerd: one started with --bridge=none deletes
  // the host's docker0 bridge (dockerd removes the default bridge when told to use none), and
  // every later build on the main engine fails.
  const server = createTlsServer(
    {
      ca: readFileSync(at('ca.pem')),
      cert: readFileSync(at('server.pem')),
      key: readFileSync(at('server-key.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      const upstream = connect('/var/run/docker.sock');
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const env = {
    DOCKER_HOST: `tcp://127.0.0.1:${port}`,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: client,
  };
  await findEngine(env);
  return {
    env,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
      }),
  };
}

async function stopChild(child: ResultPromise): Promise<void> {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await child;
  clearTimeout(timer);
}
