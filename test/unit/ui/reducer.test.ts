import { describe, expect, it } from 'vitest';
import { dashboardReducer } from '../../../cli/ui/dashboard/reducer.js';
import { FINISHED_KEEP } from '../../../cli/ui/dashboard/slices/finished.js';
import { LOG_LINES } from '../../../cli/ui/dashboard/slices/logs.js';
import { T0, at, reduce, runningState } from './helpers.js';

const api2 = { service: 'patient-api', replica: 2, container: 'demo-patient-api-2' };

describe('dashboardReducer', () => {
  it('follows a sandbox coming up: rows healthy, with memory, CPU and a start time', () => {
    const s = runningState();
    expect(s.phase).toBe('running');
    expect(s.replicas.map((r) => [r.container, r.state, r.health])).toEqual([
      ['demo-database-1', 'running', 'healthy'],
      ['demo-patient-api-1', 'running', 'healthy'],
      ['demo-patient-api-2', 'running', 'healthy'],
      ['demo-patient-api-3', 'running', 'healthy'],
    ]);
    expect(s.replicas[2]).toMatchObject({
      startedAt: T0 + 1000,
      memoryBytes: 60 * 1024 * 1024,
      cpuPercent: 3,
    });
  });

  it('shows a kill, the death, and the replacement that reuses the name', () => {
    let s = runningState();
    s = reduce([at({ type: 'replica.killed', ...api2, signal: 'SIGKILL' })], s);
    expect(s.replicas.find((r) => r.container === api2.container)).toMatchObject({
      state: 'killed',
    });
    s = reduce([at({ type: 'replica.died', ...api2, exitCode: 137, oomKilled: false })], s);
    expect(s.replicas.find((r) => r.container === api2.container)).toMatchObject({
      state: 'exited',
      exitCode: 137,
      health: 'stopped',
    });
    s = reduce(
      [
        at({ type: 'replica.created', ...api2 }, T0 + 70_000),
        at({ type: 'replica.started', ...api2 }, T0 + 70_500),
        at({ type: 'replica.healthy', ...api2, ms: 2000 }, T0 + 72_500),
        at({
          type: 'replica.replaced',
          service: 'patient-api',
          died: api2.container,
          replacement: api2.container,
          ms: 3000,
        }),
      ],
      s,
    );
    const row = s.replicas.find((r) => r.container === api2.container);
    expect(row).toMatchObject({ state: 'running', health: 'healthy', startedAt: T0 + 70_500 });
    expect(row?.memoryBytes).toBeUndefined(); // a new container: its old samples do not apply
    expect(s.replicas).toHaveLength(4);
    expect(s.finished.items.map((i) => i.text).slice(-3)).toEqual([
      'killed demo-patient-api-2 (SIGKILL)',
      'demo-patient-api-2 died: exit code 137',
      'replaced demo-patient-api-2 with demo-patient-api-2, healthy after 3.0 s',
    ]);
  });

  it('drops the dead row when the replacement has another name', () => {
    const s = reduce(
      [
        at({ type: 'replica.died', ...api2, exitCode: 1, oomKilled: true }),
        at({
          type: 'replica.created',
          service: 'patient-api',
          replica: 4,
          container: 'demo-patient-api-4',
        }),
        at({
          type: 'replica.replaced',
          service: 'patient-api',
          died: api2.container,
          replacement: 'demo-patient-api-4',
          ms: 1,
        }),
      ],
      runningState(),
    );
    expect(s.replicas.map((r) => r.container)).not.toContain(api2.container);
    expect(s.replicas.map((r) => r.container)).toContain('demo-patient-api-4');
  });

  it('tracks the desired count through scaling, and removes scaled-down rows', () => {
    const s = reduce(
      [
        at({
          type: 'scale.planned',
          service: 'patient-api',
          from: 3,
          to: 2,
          adding: [],
          removing: ['demo-patient-api-3'],
        }),
        at({
          type: 'replica.stopping',
          service: 'patient-api',
          replica: 3,
          container: 'demo-patient-api-3',
          reason: 'scale to 2',
        }),
        at({
          type: 'replica.removed',
          service: 'patient-api',
          replica: 3,
          container: 'demo-patient-api-3',
        }),
      ],
      runningState(),
    );
    expect(s.services.find((x) => x.name === 'patient-api')?.desired).toBe(2);
    expect(s.replicas.map((r) => r.container)).not.toContain('demo-patient-api-3');
  });

  it('keeps the last LOG_LINES lines of each replica and forgets a removed replica', () => {
    let s = runningState();
    for (let i = 0; i < LOG_LINES + 50; i++)
      s = dashboardReducer(s, { type: 'ui.log', container: api2.container, text: `line ${i}` });
    const buffer = s.logs[api2.container];
    expect(buffer?.lines).toHaveLength(LOG_LINES);
    expect(buffer?.lines[0]).toBe('line 50');
    expect(buffer?.dropped).toBe(50);
    s = reduce([at({ type: 'replica.removed', ...api2 })], s);
    expect(s.logs[api2.container]).toBeUndefined();
  });

  it('cuts a runaway log line', () => {
    const s = dashboardReducer(runningState(), {
      type: 'ui.log',
      container: api2.container,
      text: 'x'.repeat(5000),
    });
    expect(s.logs[api2.container]?.lines[0]?.length).toBe(1001);
  });

  it('sums pull progress per layer and clears it when the image is ready', () => {
    let s = reduce([
      at({
        type: 'image.progress',
        image: 'postgres:16',
        action: 'pull',
        status: 'Downloading',
        current: 10,
        total: 100,
        id: 'a',
      } as never),
      at({
        type: 'image.progress',
        image: 'postgres:16',
        action: 'pull',
        status: 'Downloading',
        current: 30,
        total: 300,
        id: 'b',
      } as never),
      at({
        type: 'image.progress',
        image: 'postgres:16',
        action: 'pull',
        status: 'Downloading',
        current: 50,
        total: 100,
        id: 'a',
      } as never),
    ]);
    expect(s.images[0]?.layers).toEqual({
      a: { current: 50, total: 100 },
      b: { current: 30, total: 300 },
    });
    s = reduce([at({ type: 'image.ready', image: 'postgres:16', action: 'pulled', ms: 5000 })], s);
    expect(s.images).toEqual([]);
    expect(s.finished.items.at(-1)?.text).toBe('image postgres:16 pulled (5.0 s)');
  });

  it('reads build steps', () => {
    const s = reduce([
      at({ type: 'image.progress', image: 'x', action: 'build', status: 'Step 3/8 : RUN apt-get' }),
    ]);
    expect(s.images[0]?.step).toEqual([3, 8]);
  });

  it('drops printed finished lines once enough pile up, changing the epoch', () => {
    let s = runningState();
    for (let i = 0; i < FINISHED_KEEP; i++)
      s = dashboardReducer(s, { type: 'ui.notice', text: `n${i}`, tone: 'plain' });
    const last = s.finished.items.at(-1)!.seq;
    s = dashboardReducer(s, { type: 'ui.printed', upTo: last });
    expect(s.finished.items).toEqual([]);
    expect(s.finished.epoch).toBe(1);
    expect(s.finished.next).toBe(last + 1);
  });

  it('keeps its reference when nothing changes, so nothing re-renders', () => {
    const s = runningState();
    expect(dashboardReducer(s, { type: 'ui.printed', upTo: 0 })).toBe(s);
    expect(dashboardReducer(s, at({ type: 'resource.ready', kind: 'network', name: 'n' }))).toBe(s);
    expect(
      dashboardReducer(
        s,
        at({
          type: 'replica.stats',
          service: 'x',
          replica: 1,
          container: 'gone',
          memoryBytes: 1,
          memoryLimitBytes: 1,
          cpuPercent: 1,
        }),
      ),
    ).toBe(s);
  });

  it('moves the selection in display order (tasks first) and clamps at the ends', () => {
    let s = runningState();
    s = dashboardReducer(s, { type: 'ui.select', delta: 1 });
    expect(s.ui.selected).toBe('demo-patient-api-2'); // the first row was highlighted already
    s = reduce(
      [
        { type: 'ui.select', delta: 1 },
        { type: 'ui.select', delta: 1 },
        { type: 'ui.select', delta: 1 },
        { type: 'ui.select', delta: 1 },
      ],
      s,
    );
    expect(s.ui.selected).toBe('demo-database-1');
    s = reduce([{ type: 'ui.select', delta: -10 }], s);
    expect(s.ui.selected).toBe('demo-patient-api-1');
  });

  it('opens and closes panels and prompts', () => {
    let s = reduce(
      [
        { type: 'ui.toggle', panel: 'help' },
        { type: 'ui.prompt', prompt: 'quit' },
      ],
      runningState(),
    );
    expect(s.ui).toMatchObject({ showHelp: false, prompt: 'quit' });
    s = reduce(
      [{ type: 'ui.prompt' }, { type: 'ui.toggle', panel: 'logs' }, { type: 'ui.busy', text: 'x' }],
      s,
    );
    expect(s.ui).toEqual({ showLogs: false, showHelp: false, busy: 'x' });
  });

  it('seeds rows from a status snapshot, keeping samples already received', () => {
    const s = reduce(
      [
        {
          type: 'ui.snapshot',
          at: T0 + 10_000,
          replicas: [
            {
              container: api2.container,
              service: 'patient-api',
              replica: 2,
              running: true,
              health: 'healthy',
              uptimeSeconds: 5,
              memoryLimitBytes: 1,
            },
          ],
        },
      ],
      runningState(),
    );
    expect(s.replicas).toEqual([
      expect.objectContaining({
        container: api2.container,
        startedAt: T0 + 5000,
        memoryBytes: 60 * 1024 * 1024,
      }),
    ]);
  });

  it('lets the clock through only when an uptime on screen changes', () => {
    const s = runningState(); // replicas up for about a minute: seconds are shown
    const later = dashboardReducer(s, { type: 'ui.tick', now: s.now + 1000 });
    expect(later.now).toBe(s.now + 1000);
    const old = dashboardReducer(s, { type: 'ui.tick', now: T0 + 10 * 60_000 + 30_000 }); // minutes now
    expect(dashboardReducer(old, { type: 'ui.tick', now: T0 + 10 * 60_000 + 35_000 })).toBe(old);
  });

  it('ignores a sample that would look the same on screen', () => {
    const s = runningState();
    const row = s.replicas.find((r) => r.container === api2.container)!;
    const same = at({
      type: 'replica.stats',
      ...api2,
      memoryBytes: row.memoryBytes! + 1000,
      memoryLimitBytes: row.memoryLimitBytes!,
      cpuPercent: row.cpuPercent! + 0.2,
    });
    expect(dashboardReducer(s, same)).toBe(s);
    const busier = at({
      type: 'replica.stats',
      ...api2,
      memoryBytes: row.memoryBytes!,
      memoryLimitBytes: row.memoryLimitBytes!,
      cpuPercent: 40,
    });
    expect(
      dashboardReducer(s, busier).replicas.find((r) => r.container === api2.container)?.cpuPercent,
    ).toBe(40);
  });
});
