import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DashboardAction } from '../../../cli/ui/dashboard/actions.js';
import { Dashboard } from '../../../cli/ui/dashboard/components/Dashboard.js';
import type { Command } from '../../../cli/ui/dashboard/keys.js';
import { dashboardReducer } from '../../../cli/ui/dashboard/reducer.js';
import type { DashboardState } from '../../../cli/ui/dashboard/state.js';
import { LifecycleRoot } from '../../../cli/ui/lifecycle.js';
import { createStore } from '../../../cli/ui/store.js';
import { frame, runningState, settle } from './helpers.js';

afterEach(() => cleanup());

function mount(state: DashboardState = runningState()) {
  const store = createStore<DashboardState, DashboardAction>(dashboardReducer, state, {
    intervalMs: 0,
  });
  const commands: Command[] = [];
  const onCommand = vi.fn((c: Command) => {
    commands.push(c);
    if (c.kind === 'select') store.dispatch({ type: 'ui.select', delta: c.delta });
    if (c.kind === 'toggle') store.dispatch({ type: 'ui.toggle', panel: c.panel });
    if (c.kind === 'quit') store.dispatch({ type: 'ui.prompt', prompt: 'quit' });
  });
  const app = render(
    <LifecycleRoot>
      <Dashboard store={store} onCommand={onCommand} />
    </LifecycleRoot>,
  );
  return { store, commands, ...app };
}

describe('Dashboard', () => {
  it('renders the running sandbox at a fixed width (100 columns)', () => {
    const { lastFrame } = mount();
    expect(frame(lastFrame())).toMatchSnapshot();
  });

  it('turns keys into commands and follows the selection in the log pane', async () => {
    const { store, commands, stdin, lastFrame } = mount();
    await settle();
    store.dispatch({ type: 'ui.log', container: 'demo-patient-api-2', text: 'GET /Patient 200' });
    stdin.write('\u001B[B'); // ↓ from the first row
    await settle();
    expect(frame(lastFrame())).toMatch(/logs of patient-api-2[\s\S]*GET \/Patient 200/);
    stdin.write('k');
    stdin.write('K');
    stdin.write('+');
    await settle();
    expect(commands.map((c) => c.kind)).toEqual(['select', 'kill', 'kill', 'scale']);
    expect(commands[2]).toEqual({ kind: 'kill', container: 'demo-patient-api-2' });
  });

  it('shows the help and the quit question', async () => {
    const { stdin, lastFrame } = mount();
    await settle();
    stdin.write('?');
    await settle();
    expect(frame(lastFrame())).toMatch(/Keys\n\s+k\s+kill a random task replica/);
    stdin.write('q');
    await settle();
    expect(frame(lastFrame())).toMatch(
      /Quit\? r leave the sandbox running · d tear it down \(volumes kept\) · esc stay/,
    );
  });

  it('completes the app with the outcome, leaving only the finished lines', async () => {
    const { store, lastFrame, frames } = mount();
    store.dispatch({ type: 'ui.outcome', outcome: { value: { exitCode: 0, message: 'bye' } } });
    // Ink writes the final frame on its own schedule (and, under CI=true, only at the end):
    // wait for it, and read the finished lines from everything written.
    await vi.waitFor(
      () => {
        expect(frames.map((f) => frame(f)).join('\n')).toMatch(/Sandbox demo is up/);
        expect(frame(lastFrame())).not.toMatch(/REPLICA/);
      },
      { timeout: 3000 },
    );
  });

  it('does not render for a log line of a replica that is not on screen', async () => {
    const { store, frames } = mount();
    await settle();
    const before = frames.length;
    store.dispatch({ type: 'ui.log', container: 'demo-patient-api-3', text: 'not shown' });
    await settle();
    expect(frames.length).toBe(before);
    store.dispatch({ type: 'ui.log', container: 'demo-patient-api-1', text: 'shown' });
    await settle();
    expect(frames.length).toBe(before + 1);
  });
});
