import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FinishedLines } from '../../../cli/ui/dashboard/components/FinishedLines.js';
import { Header } from '../../../cli/ui/dashboard/components/Header.js';
import { HelpPanel } from '../../../cli/ui/dashboard/components/HelpPanel.js';
import { KeyBar } from '../../../cli/ui/dashboard/components/KeyBar.js';
import { LogPane } from '../../../cli/ui/dashboard/components/LogPane.js';
import { ProgressPanel } from '../../../cli/ui/dashboard/components/ProgressPanel.js';
import { ReplicasPanel } from '../../../cli/ui/dashboard/components/ReplicasPanel.js';
import { orderedReplicas } from '../../../cli/ui/dashboard/slices/replicas.js';
import { rolesOf } from '../../../cli/ui/dashboard/reducer.js';
import { T0, at, frame, reduce, runningState, settle } from './helpers.js';

afterEach(() => cleanup());

const WIDTH = 80;
const LIMITS = { 'patient-api': 256 * 1024 * 1024, database: undefined };
const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('Header', () => {
  it('names the sandbox and product, and counts healthy replicas against the bounds', () => {
    const { lastFrame } = render(<Header state={runningState()} width={WIDTH} />);
    expect(frame(lastFrame())).toMatchSnapshot();
  });
});

describe('ProgressPanel', () => {
  it('draws a bar per pull and per build, and nothing when idle', () => {
    const s = reduce([
      at({
        type: 'image.progress',
        image: 'postgres:16',
        action: 'pull',
        status: 'Downloading',
        current: 40 * 1024 * 1024,
        total: 100 * 1024 * 1024,
        id: 'a',
      } as never),
      at({
        type: 'image.progress',
        image: 'rehearsal/reference-service:0.1.0',
        action: 'build',
        status: 'Step 3/8 : COPY dist/reference-service/server.mjs /app/server.mjs',
      }),
    ]);
    const { lastFrame } = render(<ProgressPanel images={s.images} width={WIDTH} />);
    const text = frame(lastFrame());
    expect(text).toMatchSnapshot();
    expect(widest(text)).toBeLessThanOrEqual(WIDTH);
    const idle = render(<ProgressPanel images={[]} width={WIDTH} />);
    expect(frame(idle.lastFrame())).toBe('');
  });
});

describe('ReplicasPanel', () => {
  const s = runningState();
  const rows = orderedReplicas(s.replicas, rolesOf(s));

  it.each([80, 120])(
    'fits %i columns: state, health, uptime, memory against the limit, CPU',
    (width) => {
      const { lastFrame } = render(
        <ReplicasPanel
          rows={rows}
          limits={LIMITS}
          selected="demo-patient-api-2"
          sandboxId="demo"
          now={s.now}
          width={width}
        />,
      );
      const text = frame(lastFrame());
      expect(text).toMatchSnapshot();
      expect(widest(text)).toBeLessThanOrEqual(width);
    },
  );

  it('shows a killed and a dead replica, and requests per second once traffic data exists', () => {
    const t = reduce(
      [
        at({
          type: 'replica.killed',
          service: 'patient-api',
          replica: 1,
          container: 'demo-patient-api-1',
          signal: 'SIGKILL',
        }),
        at({
          type: 'replica.died',
          service: 'patient-api',
          replica: 3,
          container: 'demo-patient-api-3',
          exitCode: 137,
          oomKilled: true,
        }),
      ],
      s,
    );
    const withRate = orderedReplicas(t.replicas, rolesOf(t)).map((r, i) => ({
      ...r,
      requestsPerSecond: i * 2.5,
    }));
    const { lastFrame } = render(
      <ReplicasPanel
        rows={withRate}
        limits={LIMITS}
        selected={undefined}
        sandboxId="demo"
        now={t.now}
        width={WIDTH}
      />,
    );
    const text = frame(lastFrame());
    expect(text).toMatchSnapshot();
    expect(text).toMatch(/REQ\/S/);
  });
});

describe('LogPane', () => {
  it('shows the last lines that fit, each cut to the width', () => {
    const buffer = {
      lines: Array.from(
        { length: 30 },
        (_, i) => `{"level":"info","msg":"request ${i}","path":"/Patient/${'x'.repeat(80)}"}`,
      ),
      dropped: 170,
    };
    const { lastFrame } = render(
      <LogPane name="patient-api-2" buffer={buffer} height={5} width={WIDTH} />,
    );
    const text = frame(lastFrame());
    expect(text).toMatchSnapshot();
    expect(text.split('\n')).toHaveLength(1 + 1 + 5); // margin, title, lines
    expect(widest(text)).toBeLessThanOrEqual(WIDTH);
  });

  it('says when there is no output yet', () => {
    const { lastFrame } = render(
      <LogPane name="patient-api-2" buffer={undefined} height={5} width={WIDTH} />,
    );
    expect(frame(lastFrame())).toMatch(/\(no output yet\)/);
  });
});

describe('HelpPanel', () => {
  it('lists every key', () => {
    const { lastFrame } = render(<HelpPanel width={WIDTH} />);
    expect(frame(lastFrame())).toMatchSnapshot();
  });
});

describe('KeyBar', () => {
  const ui = runningState().ui;
  it.each([
    ['running', { ui, phase: 'running' as const }],
    ['the quit question', { ui: { ...ui, prompt: 'quit' as const }, phase: 'running' as const }],
    ['busy', { ui: { ...ui, busy: 'scaling patient-api to 4…' }, phase: 'running' as const }],
    ['starting', { ui, phase: 'starting' as const }],
  ])('shows %s in one line per row at 80 columns', (_name, props) => {
    const { lastFrame } = render(<KeyBar {...props} width={WIDTH} />);
    const text = frame(lastFrame());
    expect(text).toMatchSnapshot();
    expect(widest(text)).toBeLessThanOrEqual(WIDTH);
  });
});

describe('FinishedLines', () => {
  it('prints each line once, and reports what is on screen', async () => {
    const onPrinted = vi.fn();
    const s = runningState();
    const { lastFrame, rerender } = render(
      <FinishedLines lines={s.finished} onPrinted={onPrinted} />,
    );
    expect(frame(lastFrame())).toMatchSnapshot();
    const more = reduce([{ type: 'ui.notice', text: 'a new line', tone: 'warn' }], s);
    rerender(<FinishedLines lines={more.finished} onPrinted={onPrinted} />);
    await settle();
    expect(onPrinted).toHaveBeenLastCalledWith(more.finished.next - 1);
    expect(frame(lastFrame()).match(/a new line/g)).toHaveLength(1);
    expect(frame(lastFrame()).match(/is up/g)).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('mask timings', () => {
    expect(frame(`up 42s, healthy after 2.5 s, 3m ago (T0 ${T0})`)).toBe(
      `up <t>, healthy after <t> s, <t> ago (T0 ${T0})`,
    );
  });
});
