/** What runs inside a container and what it uses: `docker stats`, `docker top`, `docker diff`. */

import type Docker from 'dockerode';
import type { ContainerProcess, ContainerUsage, FileChange } from './engine.js';

/**
 * `docker stats` arithmetic: memory without the reclaimable page cache (cgroup v2 names it
 * inactive_file, v1 total_inactive_file), CPU as the container's share of the host's time between
 * the engine's two readings, times the CPUs online.
 */
export function usageFrom(s: Docker.ContainerStats): ContainerUsage {
  const mem = s.memory_stats ?? ({} as Docker.ContainerStats['memory_stats']);
  const extra = (mem.stats ?? {}) as Partial<Docker.MemoryStats['stats']>;
  const cache = extra.inactive_file ?? extra.total_inactive_file ?? 0;
  const memoryBytes = Math.max(0, (mem.usage ?? 0) - cache);
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  // Without a previous reading (the engine's first sample) there is no interval to measure.
  const measured = (pre?.system_cpu_usage ?? 0) > 0 && cpuDelta > 0 && systemDelta > 0;
  const cpuPercent = measured ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  return { memoryBytes, memoryLimitBytes: mem.limit ?? 0, cpuPercent };
}

/** `docker top` with `-o pid,ppid,args`: columns found by title, the command line last. */
export function processesFrom(top: {
  Titles: string[];
  Processes: string[][];
}): ContainerProcess[] {
  const col = (name: string) => top.Titles.findIndex((t) => t.toUpperCase() === name);
  const [pid, ppid, args] = [col('PID'), col('PPID'), col('COMMAND')];
  return top.Processes.map((p) => ({
    pid: Number(p[pid]),
    ppid: Number(p[ppid]),
    command: p[args < 0 ? p.length - 1 : args] ?? '',
  }));
}

/** `docker diff`: the engine's kinds 0, 1 and 2 by name. */
export function changesFrom(changes: { Path: string; Kind: number }[]): FileChange[] {
  const kinds = ['changed', 'added', 'deleted'] as const;
  return changes.map((c) => ({ path: c.Path, kind: kinds[c.Kind] ?? 'changed' }));
}
