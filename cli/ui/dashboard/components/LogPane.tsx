import { Box, Text } from 'ink';
import { rule } from '../../format.js';
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
  // Cut here, cheaply: Ink would otherwise measure every character of a long line each render
  // only to drop most of them (its own truncation stays as the guard for wide characters).
  const lines = (buffer?.lines.slice(-height) ?? []).map((l) =>
    l.length > width ? `${l.slice(0, width - 1)}…` : l,
  );
  const kept = buffer
    ? `${buffer.lines.length} line(s) kept${buffer.dropped ? `, ${buffer.dropped} older dropped` : ''}`
    : '';
  const title = name ? `── logs of ${name} · ${kept || 'nothing yet'} · l hides ` : '── logs ';
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate" dimColor>
        {rule(title, width)}
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
