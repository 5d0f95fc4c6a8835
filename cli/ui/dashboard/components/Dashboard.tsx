import { Box, useInput } from 'ink';
import { useCallback, useEffect } from 'react';
import { useComplete } from '../../lifecycle.js';
import type { Store } from '../../store.js';
import { useStore } from '../../use-store.js';
import { useTerminalSize } from '../../use-terminal-size.js';
import type { DashboardAction } from '../actions.js';
import { commandFor, type Command } from '../keys.js';
import { rolesOf } from '../reducer.js';
import { orderedReplicas } from '../slices/replicas.js';
import { selectedRow } from '../slices/ui.js';
import type { DashboardResult, DashboardState } from '../state.js';
import { REQUIREMENTS } from '../../../../sandbox/checks/catalogue.js';
import { FinishedLines } from './FinishedLines.js';
import { Header } from './Header.js';
import { HelpPanel } from './HelpPanel.js';
import { KeyBar } from './KeyBar.js';
import { LogPane } from './LogPane.js';
import { ChaosPanel } from './ChaosPanel.js';
import { ChecklistPanel } from './ChecklistPanel.js';
import { ProgressPanel } from './ProgressPanel.js';
import { TrafficPanel } from './TrafficPanel.js';
import { ReplicasPanel } from './ReplicasPanel.js';

const REQUIREMENT_COUNT = REQUIREMENTS.length;

export type DashboardStore = Store<DashboardState, DashboardAction>;

/**
 * The live dashboard: header, image progress, replicas, the selected replica's log (or the
 * help), and the key bar, under the finished lines. It reads the store and turns keys into
 * commands; it calls nothing else. When the store holds an outcome it renders only the finished
 * lines and completes, so the terminal is left clean.
 */
export function Dashboard({
  store,
  onCommand,
}: {
  store: DashboardStore;
  onCommand: (c: Command) => void;
}) {
  // One subscription per slice: a log line of a replica nobody looks at changes none of these,
  // so it costs no render (only the log pane of the selected replica listens to its buffer).
  const finishedLines = useStore(store, (s) => s.finished);
  const outcome = useStore(store, (s) => s.outcome);
  const replicas = useStore(store, (s) => s.replicas);
  const services = useStore(store, (s) => s.services);
  const images = useStore(store, (s) => s.images);
  const ui = useStore(store, (s) => s.ui);
  const phase = useStore(store, (s) => s.phase);
  const now = useStore(store, (s) => s.now);
  const sandboxId = useStore(store, (s) => s.sandboxId);
  const product = useStore(store, (s) => s.product);
  const endpoints = useStore(store, (s) => s.endpoints);
  const traffic = useStore(store, (s) => s.traffic);
  const chaos = useStore(store, (s) => s.chaos);
  const checklist = useStore(store, (s) => s.checklist);
  const complete = useComplete<DashboardResult>();
  const { columns, rows: height } = useTerminalSize();
  const width = Math.max(20, columns);
  const onPrinted = useCallback(
    (upTo: number) => store.dispatch({ type: 'ui.printed', upTo }),
    [store],
  );
  useEffect(() => {
    if (outcome) complete(outcome);
  }, [outcome, complete]);
  useInput((input, key) => {
    // Keys typed quickly (or held down) can arrive as one chunk: "k?" is two commands.
    const keys = !key.ctrl && !key.meta && input.length > 1 ? [...input] : [input];
    for (const k of keys) {
      const c = commandFor(k, key, store.getState());
      if (c) onCommand(c);
    }
  });

  const finished = <FinishedLines lines={finishedLines} onPrinted={onPrinted} />;
  if (outcome) return finished;
  const ordered = orderedReplicas(replicas, rolesOf({ services }));
  const selected = selectedRow(ui, ordered);
  const limits = Object.fromEntries(services.map((s) => [s.name, s.memoryLimitBytes]));
  const short = (c: string) =>
    sandboxId && c.startsWith(`${sandboxId}-`) ? c.slice(sandboxId.length + 1) : c;
  const running = phase === 'running';
  // Everything but the log lines, so the live area stays shorter than the terminal: Ink
  // redraws the whole screen, flickering, once its output is as tall as the terminal.
  const chrome =
    2 +
    (endpoints.length ? 1 : 0) +
    (images.length ? images.length + 1 : 0) +
    ordered.length +
    2 +
    4 +
    (running ? panelHeight(traffic, chaos, checklist, width) : 0);
  const logHeight = Math.max(3, Math.min(20, height - chrome - 2));
  return (
    <>
      {finished}
      <Box flexDirection="column" width={width}>
        <Header
          state={{ sandboxId, product, phase, services, replicas, endpoints }}
          width={width}
        />
        <ProgressPanel images={images} width={width} />
        <ReplicasPanel
          rows={ordered}
          limits={limits}
          selected={selected?.container}
          sandboxId={sandboxId}
          now={now}
          width={width}
        />
        {running ? (
          <>
            <TrafficPanel traffic={traffic} short={short} width={width} />
            <ChaosPanel chaos={chaos} width={width} />
            <ChecklistPanel checklist={checklist} width={width} />
          </>
        ) : null}
        {ui.showHelp ? (
          <HelpPanel width={width} />
        ) : ui.showLogs ? (
          <SelectedLog
            store={store}
            container={selected?.container}
            name={selected?.container.replace(`${sandboxId ?? ''}-`, '')}
            height={logHeight}
            width={width}
          />
        ) : null}
        <KeyBar ui={ui} phase={phase} width={width} />
      </Box>
    </>
  );
}

/** Lines the traffic, chaos and checklist panels take, each with its blank line above. */
function panelHeight(
  traffic: DashboardState['traffic'],
  chaos: DashboardState['chaos'],
  checklist: DashboardState['checklist'],
  width: number,
): number {
  const t = traffic.source === 'off' && traffic.points.length === 0 ? 2 : 3;
  const c =
    chaos.state === 'off' && chaos.recent.length === 0
      ? 2
      : 2 + (chaos.state === 'on' || chaos.state === 'starting' ? 1 : 0) + chaos.recent.length;
  const judged = Object.keys(checklist.checks).length + Object.keys(checklist.chaos).length;
  const k =
    checklist.state === 'idle' && judged === 0
      ? 2
      : 2 + Math.ceil(REQUIREMENT_COUNT / Math.max(1, Math.floor(width / 26))) + 3;
  return t + c + k;
}

/** The log pane, subscribed to the selected replica's buffer only. */
function SelectedLog({
  store,
  container,
  name,
  height,
  width,
}: {
  store: DashboardStore;
  container: string | undefined;
  name: string | undefined;
  height: number;
  width: number;
}) {
  const buffer = useStore(store, (s) => (container ? s.logs[container] : undefined));
  return <LogPane name={name} buffer={buffer} height={height} width={width} />;
}
