import { Box, Text } from 'ink';
import type { DashboardState } from '../state.js';

const KEYS: [string, string][] = [
  ['k/K', 'kill'],
  ['+/-', 'scale'],
  ['t', 'traffic'],
  ['c', 'chaos'],
  ['r', 'checks'],
  ['l', 'logs'],
  ['?', 'help'],
  ['q', 'quit'],
];

/**
 * The bottom line: what is running now, then either the quit question or the keys. Every line
 * is cut to the width so the bar never wraps into two.
 */
export function KeyBar({
  ui,
  phase,
  width,
}: {
  ui: DashboardState['ui'];
  phase: DashboardState['phase'];
  width: number;
}) {
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      {ui.busy ? (
        <Text wrap="truncate" color="yellow">
          … {ui.busy}
        </Text>
      ) : null}
      {ui.prompt === 'quit' ? (
        <Text wrap="truncate">
          <Text bold>Quit?</Text> <Text color="cyan">r</Text> leave the sandbox running ·{' '}
          <Text color="cyan">d</Text> tear it down (volumes kept) · <Text color="cyan">esc</Text>{' '}
          stay
        </Text>
      ) : phase === 'running' ? (
        <Text wrap="truncate">
          {KEYS.map(([key, what], i) => (
            <Text key={key}>
              {i > 0 ? '  ' : ''}
              <Text color="cyan">{key}</Text> {what}
            </Text>
          ))}
        </Text>
      ) : phase === 'starting' ? (
        <Text wrap="truncate" dimColor>
          starting the sandbox… q or Ctrl-C stops · ? help
        </Text>
      ) : null}
    </Box>
  );
}
