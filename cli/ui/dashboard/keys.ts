import type { Key } from 'ink';
import { rolesOf } from './reducer.js';
import { orderedReplicas } from './slices/replicas.js';
import { selectedRow } from './slices/ui.js';
import type { DashboardState } from './state.js';

/** What a key press asks for. The controller carries it out; the views only display. */
export type Command =
  | { kind: 'select'; delta: number }
  | { kind: 'toggle'; panel: 'logs' | 'help' }
  | { kind: 'kill'; container?: string }
  | { kind: 'scale'; service: string; delta: 1 | -1 }
  | { kind: 'traffic' }
  | { kind: 'chaos' }
  | { kind: 'checks' }
  | { kind: 'quit' }
  | { kind: 'cancel' }
  | { kind: 'leave' }
  | { kind: 'teardown' }
  | { kind: 'interrupt' }
  | { kind: 'refuse'; text: string };

/** The command for a key press in the given state, if the key means anything there. */
export function commandFor(input: string, key: Key, s: DashboardState): Command | undefined {
  if (key.ctrl && input === 'c') return { kind: 'interrupt' };
  if (s.outcome || s.phase === 'stopping' || s.phase === 'stopped') return undefined;
  if (s.ui.prompt === 'quit') {
    if (input === 'r') return { kind: 'leave' };
    if (input === 'd') return { kind: 'teardown' };
    if (key.escape || input === 'n') return { kind: 'cancel' };
    return undefined;
  }
  if (key.upArrow) return { kind: 'select', delta: -1 };
  if (key.downArrow) return { kind: 'select', delta: 1 };
  if (input === '?') return { kind: 'toggle', panel: 'help' };
  if (key.escape && s.ui.showHelp) return { kind: 'toggle', panel: 'help' };
  if (input === 'l') return { kind: 'toggle', panel: 'logs' };
  // Before the sandbox is up there is nothing to kill or scale; q stops the start like Ctrl-C.
  if (s.phase === 'starting') return input === 'q' ? { kind: 'interrupt' } : undefined;
  if (input === 'q') return { kind: 'quit' };
  if (input === 'k') return { kind: 'kill' };
  if (input === 't') return { kind: 'traffic' };
  if (input === 'c') return { kind: 'chaos' };
  if (input === 'r') return { kind: 'checks' };
  if (input !== 'K' && input !== '+' && input !== '=' && input !== '-') return undefined;

  const roles = rolesOf(s);
  const row = selectedRow(s.ui, orderedReplicas(s.replicas, roles));
  if (!row) return { kind: 'refuse', text: 'no replica is selected' };
  if (roles[row.service] !== 'task') {
    return {
      kind: 'refuse',
      text: `${row.container} is the ${roles[row.service] ?? 'unknown service'}: K, + and - act on task replicas only`,
    };
  }
  if (input === 'K') {
    return row.state === 'running'
      ? { kind: 'kill', container: row.container }
      : { kind: 'refuse', text: `${row.container} is not running (${row.state})` };
  }
  return { kind: 'scale', service: row.service, delta: input === '-' ? -1 : 1 };
}
