// Packaging faults: each breaks exactly one Service Packaging Requirement when its variable is
// "1", so every check of `rehearsal check` can be shown to fail (naughty.mjs has the variants
// that break the chaos verdicts). Off by default; the default behaviour is the compliant one.
//   NAUGHTY_LOG_FILE         every log line also goes to /tmp/*.log       (no log files)
//   NAUGHTY_LOG_PHI          the `name` a request searches for is logged   (no PHI in logs)
//   NAUGHTY_FIXED_HOST       "/" redirects to a hard-coded host name       (DNS agnostic)
//   NAUGHTY_SECOND_PROCESS   a worker process runs next to the server      (single process)
//   NAUGHTY_MEMORY_HOG       grows into its memory limit until the kernel kills it (compute constrained)
//   NAUGHTY_BROKEN_METADATA  /metadata answers 500                         (programmatically verifiable)
//   NAUGHTY_MANUAL_SETUP     unhealthy until someone creates /tmp/setup-done (self-bootstrapped)
//   NAUGHTY_TLS_PORT         the task port also answers TLS (tls-port.mjs)  (unencrypted)
//   NAUGHTY_LOCAL_LOGIN      /me and /login show its own password form      (SSO aware)
//   NAUGHTY_SCIM_QUIRKS      SCIM pages before filtering, takes duplicate
//                            userNames, answers errors without the Error schema (provisionable)
//   NAUGHTY_NO_TRACE_CONTEXT spans exported under new trace ids, not the caller's (profilable)
//   NAUGHTY_PHONE_HOME       every 2 s, looks up a vendor host and connects outside (good citizen)
//   NAUGHTY_NEEDS_INTERNET   unhealthy until the Internet's DNS answers it (a public name)
//                            (offline friendly; its attempts would also fail good citizen,
//                            but it makes them only until it is healthy, before the watch starts)
// Phoning home connects to the container's default gateway (the Docker host), never to a public
// address: the attempt is real and observable, and no packet leaves the machine.
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { switchedOn } from './naughty.mjs';

export const FIXED_HOST = 'https://patients.example.org';

/** Which faults the environment switches on. */
export function readFaults(env) {
  const on = (k) => switchedOn(env, k);
  return {
    logFile: on('NAUGHTY_LOG_FILE'),
    logPhi: on('NAUGHTY_LOG_PHI'),
    fixedHost: on('NAUGHTY_FIXED_HOST'),
    secondProcess: on('NAUGHTY_SECOND_PROCESS'),
    memoryHog: on('NAUGHTY_MEMORY_HOG'),
    brokenMetadata: on('NAUGHTY_BROKEN_METADATA'),
    manualSetup: on('NAUGHTY_MANUAL_SETUP'),
    tlsPort: on('NAUGHTY_TLS_PORT'),
    localLogin: on('NAUGHTY_LOCAL_LOGIN'),
    scimQuirks: on('NAUGHTY_SCIM_QUIRKS'),
    noTraceContext: on('NAUGHTY_NO_TRACE_CONTEXT'),
    phoneHome: on('NAUGHTY_PHONE_HOME'),
    needsInternet: on('NAUGHTY_NEEDS_INTERNET'),
  };
}

/** The container's memory limit from its cgroup (v2, then v1), or undefined. */
function memoryLimit() {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      if (Number.isFinite(n) && n > 0 && n < 2 ** 60) return n;
    } catch {
      // Not this cgroup version.
    }
  }
  return undefined;
}

const CHUNK = 8 * 1024 * 1024;
/** Filled chunks, so the pages are really in use, not only reserved. */
const held = [];

/** The default route's gateway from /proc/net/route (little-endian hex), or undefined. */
export function defaultGateway(table = readFileSync('/proc/net/route', 'utf8')) {
  for (const line of table.split('\n').slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination === '00000000' && gateway && gateway !== '00000000')
      return Buffer.from(gateway, 'hex').reverse().join('.');
  }
  return undefined;
}

/** The vendor's telemetry host name looked up by NAUGHTY_PHONE_HOME (`.invalid` never resolves). */
export const PHONE_HOME_NAME = 'telemetry.reference-vendor.invalid';
/**
 * The "licence server" NAUGHTY_NEEDS_INTERNET must resolve before it is healthy: a public name
 * (Debian's mirror, which any machine that installs packages resolves). Only looked up, never
 * connected to.
 */
export const LICENCE_NAME = 'deb.debian.org';
/** The port NAUGHTY_PHONE_HOME tries on the gateway (discard: nothing listens). */
export const OUTSIDE_PORT = 9;

/** One TCP attempt at the default gateway, outside the sandbox; its outcome does not matter. */
function phoneOutside() {
  let gateway;
  try {
    gateway = defaultGateway();
  } catch {
    return;
  }
  if (!gateway) return;
  const socket = connect({ host: gateway, port: OUTSIDE_PORT, timeout: 1500 });
  socket.once('connect', () => socket.destroy());
  socket.once('timeout', () => socket.destroy());
  socket.once('error', () => socket.destroy());
}

/** NAUGHTY_NEEDS_INTERNET's state: healthy only once it reached outside. */
let reachedOutside = false;

/** What the faults do once, at start-up. */
export function startFaults(faults, log) {
  if (faults.phoneHome) {
    const phone = () => {
      lookup(PHONE_HOME_NAME, () => undefined);
      phoneOutside();
    };
    phone();
    setInterval(phone, 2000).unref();
    log.warn('phoning home every 2 s (NAUGHTY_PHONE_HOME)');
  }
  if (faults.needsInternet) {
    // A name only the Internet's DNS answers: on a network with no route out (Docker's internal
    // networks) the lookup fails, while the gateway itself stays reachable, so no connect test.
    const attempt = () =>
      lookup(LICENCE_NAME, (err) => {
        reachedOutside = !err;
        if (err) setTimeout(attempt, 1000).unref();
      });
    attempt();
    log.warn('unhealthy until it reaches outside the sandbox (NAUGHTY_NEEDS_INTERNET)');
  }
  if (faults.logFile) {
    const file = '/tmp/reference-service.log';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk, ...rest) => {
      appendFileSync(file, chunk);
      return write(chunk, ...rest);
    };
  }
  if (faults.secondProcess) {
    const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], {
      stdio: 'ignore',
    });
    // Ended with the server: a child left behind when PID 1 exits can linger as a zombie.
    process.on('exit', () => worker.kill('SIGKILL'));
    log.warn('started a worker process next to the server (NAUGHTY_SECOND_PROCESS)');
  }
  if (faults.memoryHog) {
    // A cache that never evicts: 8 MiB more every 100 ms, whatever the limit, until the kernel
    // kills the process (OOM) and the engine records why.
    setInterval(() => held.push(Buffer.allocUnsafe(CHUNK).fill(1)), 100).unref();
    log.warn('growing without bound (NAUGHTY_MEMORY_HOG)', { limit: memoryLimit() ?? null });
  }
}

/** Wraps the request handler with the faults that change answers or logs. */
export function withFaults(handler, faults, log) {
  if (
    !faults.logPhi &&
    !faults.fixedHost &&
    !faults.brokenMetadata &&
    !faults.manualSetup &&
    !faults.localLogin &&
    !faults.needsInternet
  )
    return handler;
  return (req, res) => {
    const target = req.url ?? '/';
    const path = target.split('?')[0];
    if (faults.logPhi) {
      const name = new URLSearchParams(target.split('?')[1] ?? '').get('name');
      if (name) log.info('patient lookup', { name });
    }
    if (faults.fixedHost && path === '/') {
      res.writeHead(302, { Location: `${FIXED_HOST}/metadata`, 'Content-Length': 0 }).end();
      return;
    }
    if (faults.brokenMetadata && path === '/metadata') {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('broken on purpose\n');
      return;
    }
    if (faults.manualSetup && path === '/health' && !existsSync('/tmp/setup-done')) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('waiting for manual setup\n');
      return;
    }
    if (faults.localLogin && (path === '/me' || path === '/login')) {
      // Its own user database instead of the platform's identity provider.
      res
        .writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' })
        .end(
          '<form method="post" action="/login"><input name="username"><input name="password" type="password"><button>Sign in</button></form>\n',
        );
      return;
    }
    if (faults.needsInternet && path === '/health' && !reachedOutside) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no route to the Internet\n');
      return;
    }
    handler(req, res);
  };
}

/** The SCIM quirks NAUGHTY_SCIM_QUIRKS switches on (see the SCIM directory's `quirks`). */
export function scimQuirks(faults) {
  return faults.scimQuirks
    ? { pageBeforeFilter: true, allowDuplicates: true, plainErrors: true }
    : {};
}

/** The faults on, for the start-up log line. */
export function faultNames(faults) {
  return Object.entries(faults)
    .filter(([, v]) => v)
    .map(([k]) => k);
}
