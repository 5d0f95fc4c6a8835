import { describe, expect, it } from 'vitest';
import type { ContainerEvent, Engine } from '../../../sandbox/engine/engine.js';
import type { RehearsalEvent } from '../../../sandbox/events.js';
import { watchSwarm } from '../../../sandbox/swarm/watch.js';
import { planOf } from '../export/declarations.js';

const task = (
  id: string,
  slot: number,
  action: string,
  time: number,
  extra = {},
): ContainerEvent => {
  const name = `demo_patient-api.${slot}.${id}`;
  return {
    action,
    id,
    name,
    time,
    labels: {
      'com.docker.compose.service': 'patient-api',
      'com.docker.swarm.task.name': name,
      name,
      ...extra,
    },
  };
};

/** An engine whose event stream is the given list. */
const engineOf = (events: ContainerEvent[]) =>
  ({
    events: async function* () {
      yield* events;
    },
  }) as unknown as Engine;

describe('watching Swarm repair a stack', () => {
  it('tells a death, the new task healthy, and the replacement with Swarm’s time', async () => {
    const seen: RehearsalEvent[] = [];
    await watchSwarm(await planOf('reference'), {
      engine: engineOf([
        task('old', 1, 'kill', 1000, { signal: '9' }),
        task('old', 1, 'die', 1010, { exitCode: '137' }),
        task('new', 1, 'start', 6000),
        task('new', 1, 'health_status: healthy', 8500),
      ]),
      emit: (e) => seen.push(e),
      signal: new AbortController().signal,
    });
    expect(seen).toEqual([
      {
        type: 'replica.died',
        service: 'patient-api',
        replica: 1,
        container: 'demo_patient-api.1.old',
        exitCode: 137,
        oomKilled: false,
      },
      {
        type: 'replica.healthy',
        service: 'patient-api',
        replica: 1,
        container: 'demo_patient-api.1.new',
        ms: 2500,
        id: 'new',
      },
      {
        type: 'replica.replaced',
        service: 'patient-api',
        died: 'demo_patient-api.1.old',
        replacement: 'demo_patient-api.1.new',
        ms: 7490,
      },
    ]);
  });

  it('tells a task Swarm stops (SIGTERM, then gone) as a stop, not a death', async () => {
    const seen: RehearsalEvent[] = [];
    await watchSwarm(await planOf('reference'), {
      engine: engineOf([
        task('t', 3, 'kill', 1000, { signal: '15' }),
        task('t', 3, 'die', 1800, { exitCode: '0' }),
        // Not a task of the plan: ignored.
        {
          ...task('db', 1, 'die', 1900),
          labels: {
            'com.docker.compose.service': 'database',
            'com.docker.swarm.task.name': 'demo_database.1.db',
          },
        },
      ]),
      emit: (e) => seen.push(e),
      signal: new AbortController().signal,
    });
    expect(seen.map((e) => e.type)).toEqual(['replica.stopping', 'replica.removed']);
  });
});
