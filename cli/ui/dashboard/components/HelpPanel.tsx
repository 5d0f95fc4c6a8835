import { Box, Text } from 'ink';

const KEYS: [string, string][] = [
  ['k', 'kill a random task replica (SIGKILL); the supervisor replaces it'],
  ['K', 'kill the selected replica'],
  ['+ / -', "scale the selected replica's task by one, within its declared bounds"],
  ['↑ / ↓', 'select a replica'],
  ['l', "show or hide the selected replica's output"],
  ['?', 'show or hide this help'],
  ['q', 'quit: leave the sandbox running, or tear it down (volumes kept)'],
  ['Ctrl-C', 'leave now, sandbox running (exit code 130)'],
];

/** What each key does. */
export function HelpPanel({ width }: { width: number }) {
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text bold>Keys</Text>
      {KEYS.map(([key, what]) => (
        <Text key={key} wrap="truncate">
          {'  '}
          <Text color="cyan">{key.padEnd(8)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
