// Measures the dashboard of `rehearsal up` in a real terminal (tmux) with 5 replicas of the
// reference service: renders per second while idle and under a stream of events (log lines from
// HTTP load, a killed and replaced replica), and the CLI's CPU (% of one core) and RSS, read from
// /proc/<pid>/stat and /proc/<pid>/status. Targets: ≤ 10 renders/s, < 15 % CPU, < 150 MB RSS.
//
// Usage: npm run build && REHEARSAL_IMAGES=offline node scripts/bench-tui.mjs [--idle 30] [--busy 15]
// The dashboard runs under the `node` on PATH: put a Node >= 22.15 first to measure the in-place
// restart with a small young generation (cli/relaunch.ts), which Node 20 cannot do.
// Needs Linux (/proc), tmux and a Docker engine. Everything it creates is removed at the end.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const IDLE_S = arg('idle', 30);
const BUSY_S = arg('busy', 15);
const REPLICAS = 5;
const socket = `rehearsal-bench-${randomBytes(4).toString('hex')}`;
const sandbox = `bench-tui-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'rehearsal-bench-tui-'));
const statsFile = join(dir, 'renders.json');
const images = process.env.REHEARSAL_IMAGES ?? 'official';
// Its own TLS edge port, so a sandbox left running elsewhere (on 8443) does not get in the way.
const proxyPort = 20000 + Math.floor(Math.random() * 20000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'bench');
const cliRun = (...args) =>
  execFileSync('node', [cli, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, REHEARSAL_IMAGES: images, REHEARSAL_PROXY_PORT: String(proxyPort) },
  });

async function waitFor(re, timeoutMs = 300_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const text = screen();
    if (re.test(text)) return text;
    if (/^EXIT=\d+$/m.test(text)) throw new Error(`rehearsal ended before ${re}:\n${text}`);
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${re}:\n${screen()}`);
}

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function cpuTicks(pid) {
  // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}
function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
const stats = () => JSON.parse(readFileSync(statsFile, 'utf8'));
const renders = () => stats().renders;
const heapStats = () => stats().heap ?? { collections: 0, totalMs: 0 };

/** CPU %, RSS (mean and max) and renders/s of `pid` over `seconds`, while `during` runs. */
async function measure(pid, seconds, during = async () => undefined) {
  const t0 = Date.now();
  const c0 = cpuTicks(pid);
  const r0 = renders();
  const h0 = heapStats();
  const rss = [];
  const sampler = setInterval(() => rss.push(rssBytes(pid)), 1000);
  await Promise.all([during(seconds), sleep(seconds * 1000)]);
  clearInterval(sampler);
  await sleep(1100); // the render count is written once a second
  const elapsed = (Date.now() - t0) / 1000;
  return {
    seconds: Math.round(elapsed),
    rendersPerSecond: +((renders() - r0) / (elapsed - 1.1)).toFixed(2),
    cpuPercentOfOneCore: +(((cpuTicks(pid) - c0) / TICKS / elapsed) * 100).toFixed(1),
    rssMeanMB: +(rss.reduce((a, b) => a + b, 0) / rss.length / 1e6).toFixed(1),
    rssMaxMB: +(Math.max(...rss) / 1e6).toFixed(1),
    forcedCollections: heapStats().collections - h0.collections,
    forcedCollectionMs: +(heapStats().totalMs - h0.totalMs).toFixed(1),
  };
}

/** HTTP requests against every replica (each one logs a line), plus one kill with `k`. */
async function load(seconds) {
  const status = JSON.parse(cliRun('status', '--json'));
  const urls = status.replicas.filter((r) => r.role === 'task').map((r) => r.urls['8080']);
  const end = Date.now() + seconds * 1000;
  let requests = 0;
  setTimeout(() => tmux('send-keys', '-t', 'bench', 'k'), 2000);
  await Promise.all(
    urls.map(async (url) => {
      while (Date.now() < end) {
        try {
          await fetch(`${url}/health`);
          requests++;
        } catch {
          await sleep(50); // the replica being killed and replaced refuses for a moment
        }
      }
    }),
  );
  load.requests = requests;
}

/**
 * One dashboard in tmux on the bench's sandbox: idle for IDLE_S, then (with `busy`) a stream of
 * events for BUSY_S. Quits leaving the sandbox running, or tears it down after the last session.
 */
async function session(name, env, last) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const command = `env -u CI ${vars.join(' ')} REHEARSAL_IMAGES=${images} REHEARSAL_PROXY_PORT=${proxyPort} REHEARSAL_RENDER_STATS=${statsFile} node ${cli} up --replicas ${REPLICAS}; echo EXIT=$?; sleep 600`;
  rmSync(statsFile, { force: true });
  tmux('new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40', '-c', dir, command);
  await waitFor(new RegExp(`patient-api ${REPLICAS}/${REPLICAS} healthy`));
  await waitFor(/\d+\/256M/, 30_000); // the first stats sample
  const shell = tmux('display', '-p', '-t', 'bench', '#{pane_pid}').trim();
  const pid = execFileSync('ps', ['--ppid', shell, '-o', 'pid='], { encoding: 'utf8' })
    .trim()
    .split('\n')[0]
    .trim();
  if (!existsSync(statsFile)) throw new Error('the dashboard wrote no render counts');
  await sleep(3000); // let start-up work settle before calling it idle
  const idle = await measure(pid, IDLE_S);
  const busy = last ? await measure(pid, BUSY_S, load) : undefined;
  tmux('send-keys', '-t', 'bench', 'q');
  await waitFor(/Quit\?/, 10_000);
  tmux('send-keys', '-t', 'bench', last ? 'd' : 'r');
  await waitFor(/EXIT=\d+/, 120_000);
  tmux('kill-session', '-t', 'bench');
  console.error(`${name}: done`);
  return { idle, ...(busy ? { busy: { ...busy, httpRequests: load.requests } } : {}) };
}

try {
  copyFileSync(
    join(root, 'templates/reference-service/marketplace.json'),
    join(dir, 'marketplace.json'),
  );
  writeFileSync(
    join(dir, 'rehearsal.yaml'),
    `sandbox: { name: ${sandbox} }\ndatabase: { kind: postgres }\ntasks:\n  "Patient API":\n    name: patient-api\n    health: { path: /health, port: 8080 }\n    bind: { DATABASE_URL: database.url }\n`,
  );
  // Same sandbox, two dashboards one after the other: first the baseline (the heap keeper of
  // cli/ui/heap.ts off, as the dashboard was before it), then the dashboard as shipped.
  const baseline = await session('baseline', { REHEARSAL_HEAP_KEEPER: 'off' }, false);
  const shipped = await session('shipped', {}, true);

  const ok = (v, max) => (v <= max ? 'ok' : 'OVER');
  console.log(`Dashboard with ${REPLICAS} replicas (${images} images), 120×40 tmux:`);
  for (const [name, m] of [
    [`baseline (heap keeper off), idle ${baseline.idle.seconds} s`, baseline.idle],
    [`shipped, idle ${shipped.idle.seconds} s`, shipped.idle],
    [
      `shipped, events ${shipped.busy.seconds} s (${shipped.busy.httpRequests} requests, 1 kill)`,
      shipped.busy,
    ],
  ]) {
    console.log(
      `  ${name}: ${m.rendersPerSecond} renders/s (${ok(m.rendersPerSecond, 10)}), ` +
        `CPU ${m.cpuPercentOfOneCore} % of a core (${ok(m.cpuPercentOfOneCore, 15)}), ` +
        `RSS mean ${m.rssMeanMB} MB, max ${m.rssMaxMB} MB (${ok(m.rssMaxMB, 150)}); ` +
        `${m.forcedCollections} forced collection(s), ${m.forcedCollectionMs} ms`,
    );
  }
  const ratio = (now, before) => (now / before).toFixed(2);
  console.log(
    `Shipped against baseline, idle: RSS max ${ratio(shipped.idle.rssMaxMB, baseline.idle.rssMaxMB)}×, ` +
      `RSS mean ${ratio(shipped.idle.rssMeanMB, baseline.idle.rssMeanMB)}×, ` +
      `CPU ${ratio(shipped.idle.cpuPercentOfOneCore, baseline.idle.cpuPercentOfOneCore)}×`,
  );
  console.log(JSON.stringify({ replicas: REPLICAS, images, baseline, shipped }));
} finally {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // The server is already gone.
  }
  try {
    cliRun('down', '--volumes');
  } catch (err) {
    console.error(`cleanup: rehearsal down failed: ${err.message}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
