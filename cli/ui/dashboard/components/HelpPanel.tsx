import { Box, Text } from 'ink';

const KEYS: [string, string][] = [
  ['k', 'kill a random task replica (SIGKILL); the supervisor replaces it'],
  ['K', 'kill the selected replica'],
  ['+ / -', "scale the selected replica's task by one, within its declared bounds"],
  ['↑ / ↓', 'select a replica'],
  ['t', 'traffic on/off: reads, writes and sessions through the TLS edge (20 req/s)'],
  ['c', 'chaos on/off: a minute of seeded random chaos under traffic; off restores the count'],
  ['r', 'run every check on a fresh copy of this sandbox (<id>-check); verdicts appear live'],
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
      <Text wrap="truncate" dimColor>
        {'  '}checklist: ✓ pass ✗ fail ! warn – not applicable · not checked; ° a SHOULD
      </Text>
    </Box>
  );
}
