import { Static, Text } from 'ink';
import { useLayoutEffect } from 'react';
import { TONE_COLOR } from '../../tone.js';
import type { FinishedLines as Lines } from '../state.js';

/**
 * Finished lines, printed once above the live area by `<Static>`. Once they are on screen
 * (after the commit that rendered them) the store may drop them: `onPrinted` says up to which
 * line, and a new epoch gives a fresh `<Static>` so its count of printed items starts over.
 */
export function FinishedLines({
  lines,
  onPrinted,
}: {
  lines: Lines;
  onPrinted: (upTo: number) => void;
}) {
  const last = lines.items.at(-1)?.seq;
  useLayoutEffect(() => {
    if (last !== undefined) onPrinted(last);
  }, [last, onPrinted]);
  return (
    <Static key={lines.epoch} items={lines.items}>
      {(item) => (
        <Text key={item.seq} color={TONE_COLOR[item.tone]}>
          {item.text}
        </Text>
      )}
    </Static>
  );
}
