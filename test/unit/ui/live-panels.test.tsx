import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosPanel } from '../../../cli/ui/dashboard/components/ChaosPanel.js';
import { ChecklistPanel } from '../../../cli/ui/dashboard/components/ChecklistPanel.js';
import { TrafficPanel } from '../../../cli/ui/dashboard/components/TrafficPanel.js';
import type { DashboardAction } from '../../../cli/ui/dashboard/actions.js';
import { REQUIREMENTS } from '../../../sandbox/checks/catalogue.js';
import { at, frame, reduce, runningState } from './helpers.js';

afterEach(() => cleanup());

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));
const short = (c: string) => c.replace(/^demo-/, '');

/** Seconds of traffic: the third has failures, the last is spread over three replicas. */
function trafficActions(): DashboardAction[] {
  const out: DashboardAction[] = [{ type: 'ui.traffic', source: 'own', service: 'patient-api' }];
  const rates = [12, 18, 20, 19.5, 20.1, 8, 20];
  rates.forEach((rps, i) =>
    out.push(
      at({
        type: 'traffic.sample',
        t: (i + 1) * 1000,
        requests: Math.round(rps),
        rps,
        errors: i === 6 ? { 'HTTP 502': 3, ECONNRESET: 1 } : {},
        p50Ms: 11.5 + i,
        p99Ms: 80 + i * 3,
        replicas: { 'demo-patient-api-1': 7, 'demo-patient-api-2': 7, 'demo-patient-api-3': 6 },
      }),
    ),
  );
  return out;
}

describe('TrafficPanel', () => {
  it('says how to start traffic when it is off', () => {
    const s = runningState();
    const { lastFrame } = render(<TrafficPanel traffic={s.traffic} short={short} width={80} />);
    expect(frame(lastFrame())).toMatchSnapshot();
  });

  it.each([80, 200])(
    'fits %i columns: sparkline, error rate, p50/p99, share per replica, failures by cause',
    (width) => {
      const s = reduce(trafficActions(), runningState());
      const { lastFrame } = render(
        <TrafficPanel traffic={s.traffic} short={short} width={width} />,
      );
      const text = frame(lastFrame());
      expect(text).toMatchSnapshot();
      expect(widest(text)).toBeLessThanOrEqual(width);
      expect(text).toMatch(/traffic on/);
      expect(text).toMatch(/20\.0 req\/s {2}errors 4\.5 % {2}p50 17\.5 ms {2}p99 98 ms/);
      expect(text).toMatch(/share patient-api-1 35% · patient-api-2 35% · patient-api-3 30%/);
      if (width === 200) expect(text).toMatch(/failed: HTTP 502 ×3 ECONNRESET ×1/);
    },
  );

  it('gives each replica its part of the rate in the replicas table', () => {
    const s = reduce(trafficActions(), runningState());
    const rate = Object.fromEntries(s.replicas.map((r) => [r.container, r.requestsPerSecond]));
    expect(rate).toEqual({
      'demo-database-1': undefined,
      'demo-patient-api-1': 7,
      'demo-patient-api-2': 7,
      'demo-patient-api-3': 6,
    });
  });
});

function chaosActions(): DashboardAction[] {
  return [
    { type: 'ui.chaos', state: 'starting' },
    {
      type: 'ui.chaos',
      state: 'on',
      seed: 1234567,
      journal: '/tmp/chaos-1234567.jsonl',
      bounds: { min: 2, max: 6, initial: 3 },
      schedule: [
        { seq: 1, atMs: 1500, description: 'SIGKILL replica [2]' },
        { seq: 2, atMs: 4200, description: 'scale to 5' },
        { seq: 3, atMs: 7100, description: 'replace every replica' },
      ],
    },
    at({
      type: 'chaos.planned',
      seed: 1234567,
      actions: 3,
      durationMs: 60_000,
      journal: '/tmp/chaos-1234567.jsonl',
    }),
    at({
      type: 'chaos.action',
      seq: 1,
      kind: 'kill',
      description: '#1 at 1.5 s: SIGKILL replica [2]',
      atMs: 1510,
    }),
    at({
      type: 'chaos.result',
      seq: 1,
      kind: 'kill',
      ok: true,
      ms: 4300,
      detail: 'SIGKILL demo-patient-api-2',
      failedRequests: 2,
    }),
    at({
      type: 'chaos.action',
      seq: 2,
      kind: 'scale',
      description: '#2 at 4.2 s: scale to 5',
      atMs: 4250,
    }),
  ];
}

describe('ChaosPanel', () => {
  it('says how to start chaos when it is off', () => {
    const s = runningState();
    const { lastFrame } = render(<ChaosPanel chaos={s.chaos} width={80} />);
    expect(frame(lastFrame())).toMatchSnapshot();
  });

  it.each([80, 200])('fits %i columns: seed, next action, recent actions and outcomes', (width) => {
    const s = reduce(chaosActions(), runningState());
    const { lastFrame } = render(<ChaosPanel chaos={s.chaos} width={width} />);
    const text = frame(lastFrame());
    expect(text).toMatchSnapshot();
    expect(widest(text)).toBeLessThanOrEqual(width);
    expect(text).toMatch(/chaos on · seed 1234567 · 2\/3 actions · within 2\.\.6/);
    expect(text).toMatch(/next #3 at <t> s: replace every replica/);
    expect(text).toMatch(/#1 SIGKILL replica \[2\] → recovered in <t> s, 2 failed request\(s\)/);
    expect(text).toMatch(/#2 scale to 5 → running…/);
  });

  it('shows how the last run ended once chaos is off', () => {
    const s = reduce(
      [
        ...chaosActions(),
        { type: 'ui.chaos', state: 'off', ended: 'stopped; replica count restored' },
      ],
      runningState(),
    );
    const { lastFrame } = render(<ChaosPanel chaos={s.chaos} width={80} />);
    expect(frame(lastFrame())).toMatchSnapshot();
  });
});

function checkActions(): DashboardAction[] {
  const out: DashboardAction[] = [
    { type: 'ui.checks', state: 'running' },
    at({
      type: 'check.step',
      text: 'sending traffic through the TLS edge, with a planted patient name',
    }),
  ];
  for (const r of REQUIREMENTS.slice(0, 12)) {
    out.push(
      at({
        type: 'requirement.judged',
        source: 'check',
        requirement: r.id,
        title: r.title,
        severity: r.severity,
        outcome:
          r.id === 'stoppable' ? 'fail' : r.id === 'dynamically-scalable' ? 'not-checked' : 'pass',
        summary: r.id === 'stoppable' ? 'SIGTERM was ignored: killed after 60.0 s' : 'checked',
        evidence: [],
      }),
    );
  }
  return out;
}

describe('ChecklistPanel', () => {
  it('says how to run the checks before any verdict', () => {
    const s = runningState();
    const { lastFrame } = render(<ChecklistPanel checklist={s.checklist} width={80} />);
    expect(frame(lastFrame())).toMatchSnapshot();
  });

  it.each([80, 200])(
    'fits %i columns: every requirement marked while the checks run, the failure explained',
    (width) => {
      const s = reduce(checkActions(), runningState());
      const { lastFrame } = render(<ChecklistPanel checklist={s.checklist} width={width} />);
      const text = frame(lastFrame());
      expect(text).toMatchSnapshot();
      expect(widest(text)).toBeLessThanOrEqual(width);
      expect(text).toMatch(/checking… sending traffic through the TLS edge/);
      expect(text).toMatch(/✗ Stoppable \(check\): SIGTERM was ignored/);
    },
  );

  it('a chaos verdict fills the requirement the check leaves to chaos, and the worst verdict wins', () => {
    const s = reduce(
      [
        ...checkActions(),
        { type: 'ui.checks', state: 'done', summary: '10 pass, 1 fail (1 MUST)' },
        at({
          type: 'requirement.judged',
          source: 'chaos',
          title: 'scalable',
          severity: 'MUST',
          requirement: 'scalable',
          outcome: 'pass',
          summary: 'new replicas served',
          evidence: [],
        }),
        at({
          type: 'requirement.judged',
          source: 'chaos',
          title: 'stateless',
          severity: 'MUST',
          requirement: 'stateless',
          outcome: 'fail',
          summary: '12 of 40 session checks were refused by another replica',
          evidence: ['x'],
        }),
      ],
      runningState(),
    );
    const { lastFrame } = render(<ChecklistPanel checklist={s.checklist} width={80} />);
    const text = frame(lastFrame());
    expect(text).toMatchSnapshot();
    expect(text).toMatch(/✗ Dynamically scalable \(chaos stateless\): 12 of 40 session checks/);
    expect(text).toMatch(/requirements 10 pass, 1 fail \(1 MUST\)/);
  });
});
