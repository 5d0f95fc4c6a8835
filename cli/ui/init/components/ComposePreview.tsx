import { Box, Text } from 'ink';
import { rule } from '../../format.js';

/** A window of the compose model, `height` lines from `offset`, with where it is in the whole. */
export function ComposePreview({
  text,
  offset,
  height,
  width,
}: {
  text: string;
  offset: number;
  height: number;
  width: number;
}) {
  const lines = text.trimEnd().split('\n');
  const from = Math.max(0, Math.min(offset, lines.length - height));
  const shown = lines.slice(from, from + height);
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate" dimColor>
        {rule(
          `── compose.yaml that \`rehearsal up\` will run · lines ${from + 1}-${from + shown.length} of ${lines.length} · ↑ ↓ scroll `,
          width,
        )}
      </Text>
      {shown.map((l, i) => (
        <Text key={from + i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
