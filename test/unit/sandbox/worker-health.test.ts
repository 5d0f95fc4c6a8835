import { describe, expect, it } from 'vitest';
import type { ContainerDetails } from '../../../sandbox/engine/engine.js';
import { WORKER_SETTLE_MS, workerHealth } from '../../../sandbox/sandbox/health.js';

const details = (d: Partial<ContainerDetails>): ContainerDetails => ({
  id: 'c1',
  name: 'demo-session-expiry-1',
  labels: {},
  state: 'running',
  created: 0,
  published: {},
  health: 'none',
  exitCode: 0,
  oomKilled: false,
  memoryLimitBytes: 0,
  restartCount: 0,
  startedAt: new Date(1_000_000).toISOString(),
  ...d,
});

describe('the health of a worker, which has no port to probe', () => {
  it('is its own health check when the image has one', () => {
    expect(workerHealth(details({ health: 'starting' }), 2_000_000).health).toBe('starting');
    expect(workerHealth(details({ health: 'healthy' }), 2_000_000)).toMatchObject({
      health: 'healthy',
      detail: 'its own health check: healthy',
    });
  });

  it('else "running and not restarting": running for a while, never restarted', () => {
    expect(workerHealth(details({}), 1_000_000 + WORKER_SETTLE_MS - 1).health).toBe('starting');
    expect(workerHealth(details({}), 1_000_000 + WORKER_SETTLE_MS)).toMatchObject({
      health: 'healthy',
      detail: 'running and not restarting (no health check of its own)',
    });
    expect(workerHealth(details({ restartCount: 2 }), 9_000_000)).toMatchObject({
      health: 'starting',
      detail: expect.stringMatching(/restarted 2×/),
    });
  });
});
