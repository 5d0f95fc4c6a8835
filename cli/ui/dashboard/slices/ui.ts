import type { DashboardAction } from '../actions.js';
import type { ReplicaRow, UiState } from '../state.js';

/**
 * Selection, panels and prompts. `ordered` gives the table as displayed, so arrow keys move the
 * way the eye expects.
 */
export function uiReducer(ui: UiState, a: DashboardAction, ordered: () => ReplicaRow[]): UiState {
  switch (a.type) {
    case 'ui.select': {
      const rows = ordered();
      if (rows.length === 0) return ui;
      // With nothing (or a vanished replica) selected, the first row is the one highlighted.
      const at = rows.findIndex((r) => r.container === ui.selected);
      const from = at < 0 ? 0 : at;
      const to = Math.min(rows.length - 1, Math.max(0, from + a.delta));
      return { ...ui, selected: rows[to]?.container };
    }
    case 'ui.toggle':
      return a.panel === 'logs'
        ? { ...ui, showLogs: !ui.showLogs, showHelp: false }
        : { ...ui, showHelp: !ui.showHelp };
    case 'ui.prompt':
      return a.prompt ? { ...ui, prompt: a.prompt, showHelp: false } : withoutKey(ui, 'prompt');
    case 'ui.busy':
      return a.text ? { ...ui, busy: a.text } : withoutKey(ui, 'busy');
    default:
      return ui;
  }
}

function withoutKey(ui: UiState, key: 'prompt' | 'busy'): UiState {
  if (!(key in ui)) return ui;
  const { [key]: _drop, ...rest } = ui;
  return rest;
}

/** The selected row: the one chosen, else the first task replica, else the first row. */
export function selectedRow(ui: UiState, ordered: ReplicaRow[]): ReplicaRow | undefined {
  return ordered.find((r) => r.container === ui.selected) ?? ordered[0];
}
