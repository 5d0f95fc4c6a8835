import { Box, Text } from 'ink';
import type { LogBuffer } from '../state.js';

/** The last `height` lines of the selected replica's output, each cut to the width. */
export function LogPane({
  name,
  buffer,
  height,
  width,
}: {
  name: string | undefined;
  buffer: LogBuffer | undefined;
  height: number;
  width: number;
}) {
  const lines = buffer?.lines.slice(-height) ?? [];
  const kept = (buffer?.lines.length ?? 0) + (buffer?.dropped ? ` (${buffer.dropped} older dropped)` : '');
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate" dimColor>
        {name ? `── logs of ${name} · ${kept} line(s) kept · l hides ` : '── logs '}
        {'─'.repeat(Math.max(0, width))}
      </Text>
      {name === undefined ? <Text dimColor>(select a replica with ↑ ↓)</Text> : null}
      {name !== undefined && lines.length === 0 ? <Text dimColor>(no output yet)</Text> : null}
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
