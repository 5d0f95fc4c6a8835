import { Box, Text } from 'ink';
import { bar, fit, size } from '../../format.js';
import { pullTotals } from '../slices/images.js';
import type { ImageProgress } from '../state.js';

/** One line per image being pulled or built, with a bar when its size or steps are known. */
export function ProgressPanel({ images, width }: { images: ImageProgress[]; width: number }) {
  if (images.length === 0) return null;
  const nameWidth = Math.min(40, Math.max(...images.map((p) => p.image.length)));
  const barWidth = Math.max(0, Math.min(30, width - nameWidth - 40));
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      {images.map((p) => {
        const verb = p.action === 'pull' ? 'pulling ' : 'building';
        const { current, total } = pullTotals(p);
        const ratio = p.step ? p.step[0] / p.step[1] : total > 0 ? current / total : undefined;
        const figure = p.step
          ? `step ${p.step[0]}/${p.step[1]}`
          : total > 0
            ? `${Math.round((current / total) * 100)}% ${size(current)}/${size(total)}`
            : '';
        return (
          <Text key={p.image} wrap="truncate">
            {verb} {fit(p.image, nameWidth)}{' '}
            {ratio !== undefined && barWidth > 0 ? (
              <Text color="cyan">{bar(ratio, barWidth)} </Text>
            ) : null}
            {figure}
            <Text dimColor> {p.step ? p.status.replace(/^Step \d+\/\d+ : /, '') : p.status}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
