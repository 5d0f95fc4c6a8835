#!/usr/bin/env node
// Benchmark: the Rehearsal proxy (dist/proxy/main.js) against nginx (one worker) in front of the
// same three node:http backends, same certificate, same wrk load over TLS; runs alternate.
// Prints req/s, p50, p99 and CPU per request of each edge, the medians and the ratios.
// Usage: npm run bench:proxy [-- --runs 3 --duration 10s --connections 32]
// Needs wrk and nginx (Debian/Ubuntu: sudo apt-get install wrk nginx) and openssl.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { request } from 'node:https';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

const ROOT = resolve(import.meta.dirname, '..');
const PROXY = join(ROOT, 'dist/proxy/main.js');
const HOST = 'bench.rehearsal.localhost';

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function which(tool) {
  try {
    await execa('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createNetServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** GET https://127.0.0.1:port/ with the bench Host until it answers 200 (or 10 s pass). */
async function waitReady(port, what) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await new Promise((ok) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          headers: { host: HOST },
          rejectUnauthorized: false,
          agent: false,
        },
        (res) => {
          res.resume();
          ok(res.statusCode);
        },
      );
      req.on('error', () => ok(0));
      req.end();
    });
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not answer 200 on port ${port} (last: ${status})`);
    await sleep(100);
  }
}

/** Waits until something accepts TCP connections on 127.0.0.1:port (10 s at most). */
async function waitListening(port) {
  const deadline = Date.now() + 10_000;
  while (!(await tcpOpen(port))) {
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await sleep(50);
  }
}

function tcpOpen(port) {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open) => {
      socket.destroy();
      ok(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** User+system CPU seconds of a process so far (Linux /proc; null elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return null;
  }
}

function toMs(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

async function wrk(port, seconds, connections, cpuPid) {
  const before = cpuSeconds(cpuPid);
  const { stdout } = await execa('wrk', [
    '-t2',
    `-c${connections}`,
    `-d${seconds}`,
    '--latency',
    '-H',
    `Host: ${HOST}`,
    `https://127.0.0.1:${port}/`,
  ]);
  const after = cpuSeconds(cpuPid);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout)?.[0] ?? '';
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50: toMs(/^\s+50%\s+(\S+)/m.exec(stdout)?.[1] ?? ''),
    p99: toMs(/^\s+99%\s+(\S+)/m.exec(stdout)?.[1] ?? ''),
    cpuUsPerRequest: before === null || after === null ? null : ((after - before) * 1e6) / requests,
    errors,
  };
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function nginxConf(dir, port, backends) {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  upstream backends {
${backends.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port} ssl;
    server_name ${HOST};
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`;
}

async function main() {
  const runs = Number(flag('runs', '3'));
  const duration = flag('duration', '10s');
  const connections = Number(flag('connections', '32'));
  for (const [tool, hint] of [
    ['wrk', 'Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk'],
    ['nginx', 'Debian/Ubuntu: sudo apt-get install nginx; macOS: brew install nginx'],
    ['openssl', 'Debian/Ubuntu: sudo apt-get install openssl'],
  ]) {
    if (!(await which(tool))) {
      process.stderr.write(`bench-proxy: ${tool} is not installed (${hint}).\n`);
      process.exit(2);
    }
  }
  if (!existsSync(PROXY)) {
    process.stderr.write(
      'bench-proxy: dist/proxy/main.js is missing; run `npm run build` first.\n',
    );
    process.exit(2);
  }

  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-proxy-'));
  const children = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.allSettled(children);
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const spawn = (file, args, options = {}) => {
    const child = execa(file, args, {
      cleanup: true,
      forceKillAfterDelay: 2000,
      reject: false,
      ...options,
    });
    children.push(child);
    void child.then((r) => {
      if (!stopping && r.exitCode !== 0 && r.signal === undefined) {
        process.stderr.write(
          `bench-proxy: ${file} exited early (${r.exitCode}): ${r.stderr || r.stdout}\n`,
        );
      }
    });
    return child;
  };

  try {
    await execa('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
    ]);
    const backends = [await freePort(), await freePort(), await freePort()];
    for (const port of backends)
      spawn(process.execPath, [import.meta.filename, '--backend', String(port)]);
    await Promise.all(backends.map((port) => waitListening(port)));

    const proxyPort = await freePort();
    writeFileSync(join(dir, 'admin-token'), `${'bench'.repeat(8)}\n`);
    writeFileSync(
      join(dir, 'proxy.json'),
      JSON.stringify({
        listen: proxyPort,
        admin: await freePort(),
        bind: '127.0.0.1',
        routes: [{ host: HOST, service: 'bench', port: backends[0] }],
        replicas: { bench: backends.map((p) => `127.0.0.1:${p}`) },
        tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
        adminToken: join(dir, 'admin-token'),
        discovery: { intervalMs: 500 },
      }),
    );
    const proxy = spawn(process.execPath, [PROXY], {
      env: { REHEARSAL_PROXY_CONFIG: join(dir, 'proxy.json') },
    });

    const nginxPort = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, nginxPort, backends));
    const nginx = spawn('nginx', ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')]);

    await Promise.all([waitReady(proxyPort, 'the Rehearsal proxy'), waitReady(nginxPort, 'nginx')]);
    const nginxWorker =
      Number(
        readFileSync(`/proc/${nginx.pid}/task/${nginx.pid}/children`, 'utf8').trim().split(' ')[0],
      ) || nginx.pid;

    const edges = [
      { name: 'nginx', port: nginxPort, pid: nginxWorker, results: [] },
      { name: 'rehearsal', port: proxyPort, pid: proxy.pid, results: [] },
    ];
    process.stdout.write(
      `wrk -t2 -c${connections} -d${duration} over TLS, 3 backends, ${runs} alternating runs each\n`,
    );
    for (const edge of edges) await wrk(edge.port, '2s', connections, edge.pid); // warm-up (JIT, pools)
    for (let run = 1; run <= runs; run++) {
      for (const edge of run % 2 === 1 ? edges : [...edges].reverse()) {
        const r = await wrk(edge.port, duration, connections, edge.pid);
        edge.results.push(r);
        const cpu =
          r.cpuUsPerRequest === null ? '' : `  cpu ${r.cpuUsPerRequest.toFixed(0)} µs/req`;
        process.stdout.write(
          `run ${run} ${edge.name.padEnd(9)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${cpu}${r.errors ? `  (${r.errors})` : ''}\n`,
        );
      }
    }
    const summary = edges.map((e) => ({
      name: e.name,
      rps: median(e.results.map((r) => r.rps)),
      p50: median(e.results.map((r) => r.p50)),
      p99: median(e.results.map((r) => r.p99)),
      cpu:
        e.results[0].cpuUsPerRequest === null
          ? null
          : median(e.results.map((r) => r.cpuUsPerRequest)),
    }));
    process.stdout.write('\nmedians\n');
    for (const s of summary) {
      const cpu = s.cpu === null ? '' : `  cpu ${s.cpu.toFixed(0)} µs/req`;
      process.stdout.write(
        `${s.name.padEnd(9)} ${s.rps.toFixed(0).padStart(7)} req/s  p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms${cpu}\n`,
      );
    }
    const [ng, rh] = summary;
    const perRun = edges[1].results.map((r, i) => r.rps / edges[0].results[i].rps);
    process.stdout.write(
      `\nrehearsal / nginx: req/s ${(rh.rps / ng.rps).toFixed(2)} (per run: ${perRun.map((x) => x.toFixed(2)).join(', ')})` +
        `  p50 ${(rh.p50 / ng.p50).toFixed(2)}x  p99 ${(rh.p99 / ng.p99).toFixed(2)}x\n` +
        'target: req/s ratio >= 0.5, p99 ratio <= 2.5\n',
    );
  } finally {
    await stopAll();
  }
}

// `--backend <port>`: this script is also the backend process (a small fixed body).
if (process.argv[2] === '--backend') {
  const body = Buffer.from('{"resourceType":"Patient","id":"bench"}\n');
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.argv[3]), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}
