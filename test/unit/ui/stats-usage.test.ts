import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { usageFrom } from '../../../sandbox/engine/docker-usage.js';

/** The figures behind the dashboard's MEMORY and CPU columns, as `docker stats` computes them. */
describe('usageFrom', () => {
  it('subtracts the page cache (cgroup v2) and computes CPU over the two readings', () => {
    const u = usageFrom({
      memory_stats: {
        usage: 100 * 1024 * 1024,
        limit: 256 * 1024 * 1024,
        stats: { inactive_file: 20 * 1024 * 1024 },
      },
      cpu_stats: {
        cpu_usage: { total_usage: 2_000_000_000 },
        system_cpu_usage: 40_000_000_000,
        online_cpus: 4,
      },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 20_000_000_000 },
    } as unknown as Docker.ContainerStats);
    expect(u).toEqual({
      memoryBytes: 80 * 1024 * 1024,
      memoryLimitBytes: 256 * 1024 * 1024,
      cpuPercent: 20,
    });
  });

  it('reads cgroup v1 names, and says 0 % without a previous reading', () => {
    const u = usageFrom({
      memory_stats: { usage: 50, limit: 1000, stats: { total_inactive_file: 10 } },
      cpu_stats: { cpu_usage: { total_usage: 5, percpu_usage: [1, 2] }, system_cpu_usage: 10 },
      precpu_stats: {},
    } as unknown as Docker.ContainerStats);
    expect(u).toEqual({ memoryBytes: 40, memoryLimitBytes: 1000, cpuPercent: 0 });
  });
});
