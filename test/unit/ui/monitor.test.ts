import { describe, expect, it } from 'vitest';
import type { ContainerSummary, ContainerUsage, Engine } from '../../../sandbox/engine/engine.js';
import type { RehearsalEvent } from '../../../sandbox/events.js';
import { LABEL } from '../../../sandbox/labels.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { monitor, sampleOnce } from '../../../sandbox/sandbox/monitor.js';

const plan = { sandboxId: 'demo' } as Plan;

function container(
  name: string,
  n: number,
  state: ContainerSummary['state'],
  oneoff = false,
): ContainerSummary {
  return {
    id: `id-${name}`,
    name: `demo-${name}`,
    state,
    created: n,
    published: {},
    labels: {
      [LABEL.composeService]: name.replace(/-\d+$/, ''),
      [LABEL.composeNumber]: String(n),
      [LABEL.composeOneoff]: oneoff ? 'True' : 'False',
    },
  };
}

/** An engine that knows only what the monitor asks: the container list and stats. */
function fakeEngine(
  list: ContainerSummary[],
  stats: (id: string) => Promise<ContainerUsage>,
): Engine {
  return { listContainers: async () => list, stats } as unknown as Engine;
}

const usage = { memoryBytes: 10, memoryLimitBytes: 100, cpuPercent: 1.5 };

describe('monitor', () => {
  it('samples running replicas only (no stopped ones, no cron one-offs)', async () => {
    const events: RehearsalEvent[] = [];
    const engine = fakeEngine(
      [
        container('api-1', 1, 'running'),
        container('api-2', 2, 'exited'),
        container('job-1', 1, 'running', true),
      ],
      async () => usage,
    );
    expect(await sampleOnce(plan, engine, (e) => events.push(e))).toBe(1);
    expect(events).toEqual([
      { type: 'replica.stats', service: 'api', replica: 1, container: 'demo-api-1', ...usage },
    ]);
  });

  it('skips a replica that vanished between the listing and its sample', async () => {
    const engine = fakeEngine(
      [container('api-1', 1, 'running'), container('api-2', 2, 'running')],
      async (id) => {
        if (id === 'id-api-2')
          throw Object.assign(new Error('no such container'), { statusCode: 404 });
        return usage;
      },
    );
    expect(await sampleOnce(plan, engine, () => undefined)).toBe(1);
  });

  it('keeps sampling every interval until aborted, warning once about a repeated failure', async () => {
    const events: RehearsalEvent[] = [];
    let calls = 0;
    const engine = fakeEngine([container('api-1', 1, 'running')], async () => {
      calls++;
      if (calls <= 3) throw new Error('engine hiccup');
      return usage;
    });
    const ac = new AbortController();
    const done = monitor(plan, {
      engine,
      emit: (e) => events.push(e),
      signal: ac.signal,
      intervalMs: 5,
    });
    while (!events.some((e) => e.type === 'replica.stats'))
      await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await done;
    expect(events.filter((e) => e.type === 'warning')).toEqual([
      { type: 'warning', message: 'monitor: engine hiccup' },
    ]);
  });
});
