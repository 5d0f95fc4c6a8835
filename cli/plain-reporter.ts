import type { Emit, RehearsalEvent } from '../sandbox/events.js';
import { renderRunFinished, runFinishedLine } from './views/run-finished.js';

export interface PlainOptions {
  verbose: boolean;
  /** The end of a run as the report's JSON instead of text (`--json`). */
  json?: boolean;
  /** Progress lines on stderr (default: yes); without them only the end of a run is printed. */
  progress?: boolean;
  write?: (s: string) => void;
  /** Where results go: stdout. */
  out?: (s: string) => void;
  now?: () => number;
}

/**
 * The view for non-TTY use and CI: one line per event on stderr, and the end of a run
 * (`run.finished`, cli/views/run-finished.ts) on stdout. Image progress is throttled to a line
 * every few seconds unless --verbose.
 */
export function plainReporter(options: PlainOptions): Emit {
  const write = options.write ?? ((s: string) => process.stderr.write(s));
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const now = options.now ?? Date.now;
  let lastProgress = 0;
  return (e: RehearsalEvent) => {
    if (e.type === 'run.finished') return out(`${renderRunFinished(e, options.json ?? false)}\n`);
    if (options.progress === false) return;
    const line = format(e, options.verbose);
    if (line === undefined) return;
    if (e.type === 'image.progress' && !options.verbose) {
      if (now() - lastProgress < 3000) return;
      lastProgress = now();
    }
    write(`${line}\n`);
  };
}

/** A chaos verdict with its evidence; a check's verdicts end the run as one table instead. */
function judgedLines(e: Extract<RehearsalEvent, { type: 'requirement.judged' }>) {
  if (e.source === 'check') return undefined;
  return [
    `${e.outcome.toUpperCase().replace('-', ' ')} ${e.requirement}: ${e.summary}`,
    ...e.evidence.map((x) => `    ${x}`),
  ].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The text of one event, or undefined when the plain view does not show it. */
export function format(e: RehearsalEvent, verbose: boolean): string | undefined {
  if (e.type === 'check.step' || e.type === 'traffic.derived')
    return e.type === 'check.step' ? `Check: ${e.text}` : `Traffic ${e.service}: ${e.text}`;
  switch (e.type) {
    case 'run.finished':
      return runFinishedLine(e);
    case 'plan.ready':
      return [
        `Sandbox ${e.sandboxId}: ${e.services.map(serviceWords).join(', ')}`,
        ...e.notes.map((n) => `  note: ${n}`),
      ].join('\n');
    case 'state.written':
      return verbose ? `  wrote ${e.files.join(', ')}` : `  compose model: ${e.dir}/compose.yaml`;
    case 'image.progress':
      return `  ${e.action === 'pull' ? 'pulling' : 'building'} ${e.image}: ${e.status}${e.total ? ` ${Math.round(((e.current ?? 0) / e.total) * 100)}%` : ''}`;
    case 'image.ready':
      return e.action === 'present'
        ? verbose
          ? `  image ${e.image} present`
          : undefined
        : `  image ${e.image} ${e.action} (${seconds(e.ms)})`;
    case 'resource.ready':
      return verbose ? `  ${e.kind} ${e.name} ready` : undefined;
    case 'replica.created':
      return verbose ? `  created ${e.container}` : undefined;
    case 'replica.started':
      return `  started ${e.container}`;
    case 'replica.healthy':
      return `  healthy ${e.container} (${seconds(e.ms)})`;
    case 'replica.stopping':
      return `  stopping ${e.container}: ${e.reason}`;
    case 'replica.removed':
      return `  removed ${e.container}`;
    case 'replica.killed':
      return `  killed ${e.container} (${e.signal})`;
    case 'replica.died':
      return `  ${e.container} died: exit code ${e.exitCode}${e.oomKilled ? ' (out of memory)' : ''}`;
    case 'replica.replaced':
      return `  replaced ${e.died} with ${e.replacement}, healthy after ${seconds(e.ms)}`;
    case 'scale.planned':
      return `Scaling ${e.service} ${e.from} → ${e.to}${e.adding.length ? `; adding ${e.adding.join(', ')}` : ''}${e.removing.length ? `; removing newest first: ${e.removing.join(', ')}` : ''}`;
    case 'sandbox.ready':
      return `Sandbox ${e.sandboxId} is up: ${e.replicas} container(s) healthy in ${seconds(e.ms)}.`;
    case 'sandbox.repaired':
      return [
        `Sandbox ${e.sandboxId}: repaired what an interrupted run left`,
        ...e.repairs.map((r) => `  ${r}`),
      ].join('\n');
    case 'sandbox.removed':
      return `Sandbox ${e.sandboxId} removed: ${e.containers} container(s), ${e.networks} network(s), ${e.volumes} volume(s).`;
    case 'init.started':
      return `  initialization ${e.service}: started ${e.container}; web and worker tasks wait for it`;
    case 'init.finished':
      return e.earlier
        ? `  initialization ${e.service}: completed in an earlier up (${e.container}); not run again`
        : `  initialization ${e.service}: ${e.container} exited with ${e.exitCode} after ${seconds(e.ms)}`;
    case 'cron.started':
      return `  cron ${e.service} (${e.schedule}): started ${e.container}`;
    case 'cron.finished':
      return `  cron ${e.service}: ${e.container} exited with ${e.exitCode} after ${seconds(e.ms)}`;
    case 'chaos.planned':
      return `Chaos: seed ${e.seed}, ${e.actions} action(s) over ${seconds(e.durationMs)}${e.journal ? `; journal ${e.journal}` : ''}`;
    case 'chaos.action':
      return `  chaos ${e.description}`;
    case 'chaos.result':
      return `  chaos #${e.seq} ${e.kind}: ${e.ok ? 'done' : 'FAILED'} in ${seconds(e.ms)}, ${e.detail}; ${e.failedRequests} failed request(s)`;
    case 'traffic.sample':
      return verbose || e.t % 5000 < 1000
        ? `  traffic ${seconds(e.t)}: ${e.rps} req/s, p50 ${e.p50Ms} ms, p99 ${e.p99Ms} ms, errors ${
            Object.entries(e.errors)
              .map(([k, v]) => `${k}×${v}`)
              .join(' ') || 'none'
          }; ${Object.entries(e.replicas)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`
        : undefined;
    case 'requirement.judged':
      return judgedLines(e);
    case 'warning':
      return `  warning: ${e.message}`;
  }
}

/** "api ×3", "sessions (worker) ×2", "migrate (initialization)", "nightly (cron)". */
function serviceWords(s: { name: string; role: string; kind?: string; replicas: number }): string {
  if (s.role === 'cron') return `${s.name} (cron)`;
  if (s.role === 'init') return `${s.name} (initialization)`;
  return s.kind === 'worker' ? `${s.name} (worker) ×${s.replicas}` : `${s.name} ×${s.replicas}`;
}
