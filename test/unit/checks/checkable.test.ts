import { describe, expect, it } from 'vitest';
import { withCheckableHint } from '../../../sandbox/checks/checkable.js';
import { judge } from '../../../sandbox/checks/run.js';
import type { ChaosFacts } from '../../../sandbox/checks/facts/types.js';
import { oneTaskFacts } from './one-task.js';

/** Every "not checked" says, in the same line, how to make the requirement checkable. */
const HOW =
  /to check it:|declare|run |install|make |add |rehearsal (check|chaos)|once (every|a replica)/i;

const notChecked = (requirement: string, summary: string): ChaosFacts => ({
  service: 'api',
  journal: 'chaos-api.jsonl',
  verdicts: [
    { requirement: requirement as 'ephemeral', outcome: 'not-checked', summary, evidence: [] },
  ],
});

const replicas = [
  {
    name: 's-api-1',
    memoryLimitBytes: 128 << 20,
    oomKilled: false,
    processSamples: [],
    changes: [],
    logLines: 3,
    canaryLines: [],
  },
];

describe('"not checked" always says how to make it checkable', () => {
  it('for a run without chaos, without traffic, without a sandbox that came up', () => {
    const runs = [
      oneTaskFacts({ replicas }),
      oneTaskFacts({ replicas }, { bootstrap: { ok: false, ms: 1000, error: 'api-1 stopped' } }),
      oneTaskFacts(
        { replicas },
        {
          chaos: [
            notChecked('ephemeral', 'no write was acknowledged before a replace-all'),
            notChecked('incorruptible', 'no write was acknowledged before a replace-all'),
          ],
        },
      ),
    ];
    for (const f of runs)
      for (const r of judge(f).filter((x) => x.verdict === 'not-checked'))
        expect(r.why, `${r.id}: ${r.why}`).toMatch(HOW);
  });

  it('names the missing write journey for the data verdicts', () => {
    const f = withCheckableHint('incorruptible', {
      verdict: 'not-checked',
      did: '',
      evidence: [],
      why: 'api: no write was acknowledged before a replace-all',
    });
    expect(f.why).toContain('no write journey declared: declare traffic.journeys with write:');
  });
});
