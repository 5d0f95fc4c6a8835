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
import { FinishedLines } from './FinishedLines.js';
import { Header } from './Header.js';
import { HelpPanel } from './HelpPanel.js';
import { KeyBar } from './KeyBar.js';
import { LogPane } from './LogPane.js';
import { ProgressPanel } from './ProgressPanel.js';
import { ReplicasPanel } from './ReplicasPanel.js';

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
  const state = useStore(store, (s) => s);
  const complete = useComplete<DashboardResult>();
  const { columns, rows: height } = useTerminalSize();
  const width = Math.max(20, columns);
  const onPrinted = useCallback(
    (upTo: number) => store.dispatch({ type: 'ui.printed', upTo }),
    [store],
  );
  useEffect(() => {
    if (state.outcome) complete(state.outcome);
  }, [state.outcome, complete]);
  useInput((input, key) => {
    const c = commandFor(input, key, store.getState());
    if (c) onCommand(c);
  });

  const finished = <FinishedLines lines={state.finished} onPrinted={onPrinted} />;
  if (state.outcome) return finished;
  const ordered = orderedReplicas(state.replicas, rolesOf(state));
  const selected = selectedRow(state.ui, ordered);
  // Everything but the log lines, so the live area stays shorter than the terminal: Ink
  // redraws the whole screen, flickering, once its output is as tall as the terminal.
  const chrome = 2 + (state.images.length ? state.images.length + 1 : 0) + ordered.length + 2 + 4;
  const logHeight = Math.max(3, Math.min(20, height - chrome - 2));
  const short = selected?.container.replace(`${state.sandboxId ?? ''}-`, '');
  return (
    <>
      {finished}
      <Box flexDirection="column" width={width}>
        <Header state={state} width={width} />
        <ProgressPanel images={state.images} width={width} />
        <ReplicasPanel
          rows={ordered}
          selected={selected?.container}
          sandboxId={state.sandboxId}
          now={state.now}
          width={width}
        />
        {state.ui.showHelp ? (
          <HelpPanel width={width} />
        ) : state.ui.showLogs ? (
          <LogPane
            name={short}
            buffer={selected ? state.logs[selected.container] : undefined}
            height={logHeight}
            width={width}
          />
        ) : null}
        <KeyBar ui={state.ui} phase={state.phase} width={width} />
      </Box>
    </>
  );
}
