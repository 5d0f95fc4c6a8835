import type { TaskFacts } from './facts/types.js';

/**
 * Why a task did not come up, each cause with the one requirement it is evidence about. "Did not
 * become healthy" speaks to Self-bootstrapped only; a TLS handshake on the task port to
 * Unencrypted; an OOM kill to Compute constrained; a device, privilege, host path or CPU-feature
 * need to Not hardware dependent; an image that cannot be inspected or started to Containerized.
 * Every other requirement is "not checked, because …" (sandbox/checks/judging.ts).
 */
export type CauseKind =
  | 'image'
  | 'tls'
  | 'oom'
  | 'hardware'
  | 'exited'
  | 'never-listened'
  | 'health-path'
  | 'not-healthy'
  | 'not-started';

export interface Cause {
  task: string;
  kind: CauseKind;
  /** One line, with the evidence: exit code, certificate subject, status, log line. */
  text: string;
}

/** The requirement each cause is evidence about; `not-started` is about none. */
export const CAUSE_REQUIREMENT: Record<CauseKind, string | undefined> = {
  image: 'containerized',
  tls: 'unencrypted',
  oom: 'compute-constrained',
  hardware: 'not-hardware-dependent',
  exited: 'self-bootstrapped',
  'never-listened': 'self-bootstrapped',
  'health-path': 'self-bootstrapped',
  'not-healthy': 'self-bootstrapped',
  'not-started': undefined,
};

/** Log lines that show a need for hardware the platform does not give: devices, privileges, CPU. */
const HARDWARE =
  /(\/dev\/(?!(null|zero|u?random|tty|pts|shm|stdout|stderr|stdin|fd)\b)\w+|Illegal instruction|SIGILL|CPU does not support|requires? (AVX|SSE4|a CPU)|dongle|licen[cs]e (key|dongle).*hardware|CAP_SYS_ADMIN|CAP_NET_ADMIN|must run (in )?privileged|--privileged|operation not permitted.*(mount|modprobe|iopl|ioperm)|\/sys\/(bus|class\/dmi|firmware))/i;

const quote = (line: string | undefined) => (line ? `: "${line.slice(0, 160)}"` : '');

/** The causes of one task's failure to come up, from its start-up facts. */
export function startupCauses(t: TaskFacts): Cause[] {
  const task = t.service.name;
  if (!t.image)
    return [
      { task, kind: 'image', text: `the image cannot be inspected: ${t.imageError ?? 'unknown'}` },
    ];
  const s = t.startup;
  if (!s) return [];
  if (s.replicas.length === 0)
    return [
      {
        task,
        kind: 'not-started',
        text: `${task} was not started: the sandbox stopped at an earlier task`,
      },
    ];
  const out: Cause[] = [];
  const hw = s.replicas.flatMap((r) => r.lastLines.filter((l) => HARDWARE.test(l)))[0];
  if (hw) out.push({ task, kind: 'hardware', text: `${task} needs hardware${quote(hw)}` });
  const tls = s.ports.find((p) => p.tls);
  if (tls)
    out.push({
      task,
      kind: 'tls',
      text: `${task} speaks TLS on its task port ${tls.port} (${tls.tls}); the platform's load balancer sends it plain HTTP`,
    });
  const oom = s.replicas.find((r) => r.oomKilled);
  if (oom)
    out.push({
      task,
      kind: 'oom',
      text: `${oom.name} was killed for exceeding its memory limit while starting`,
    });
  // What remains is about bootstrapping, unless a cause above already explains it.
  if (out.length > 0) return out;
  const exited = s.replicas.find((r) => r.state !== 'running');
  if (exited)
    return [
      {
        task,
        kind: 'exited',
        text: `${exited.name} exited with code ${exited.exitCode} before it was healthy${quote(exited.lastLines.at(-1))}`,
      },
    ];
  const refused = s.ports.find((p) => p.health && p.health.status === undefined);
  if (refused)
    return [
      {
        task,
        kind: 'never-listened',
        text: `${task} never listened on port ${refused.port} (${refused.health!.detail})`,
      },
    ];
  const wrong = s.ports.find((p) => p.health?.status !== undefined);
  if (wrong)
    return [
      {
        task,
        kind: 'health-path',
        text: `${task} answers HTTP on port ${wrong.port}, but not on its health path (${wrong.health!.detail}): declare the right one with health: { path } in rehearsal.yaml`,
      },
    ];
  return [{ task, kind: 'not-healthy', text: `${task} did not become healthy` }];
}

/** Every task's causes. */
export const allCauses = (tasks: TaskFacts[]): Cause[] => tasks.flatMap(startupCauses);

/** The causes that are evidence about one requirement. */
export const causesFor = (tasks: TaskFacts[], requirement: string): Cause[] =>
  allCauses(tasks).filter((c) => CAUSE_REQUIREMENT[c.kind] === requirement);
