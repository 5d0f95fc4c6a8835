import { Text, useInput } from 'ink';

/** The choice `delta` steps from `value`, wrapping around. */
export function moveChoice<T extends string>(
  choices: readonly T[],
  value: string,
  delta: number,
): T {
  const at = Math.max(0, choices.indexOf(value as T));
  return choices[(((at + delta) % choices.length) + choices.length) % choices.length] as T;
}

/**
 * One of a few choices: ← → (or ↑ ↓) move, Enter accepts. It reports moves, not the new
 * value, so two quick presses both count (see `moveChoice`).
 */
export function ChoiceInput<T extends string>({
  choices,
  value,
  onMove,
  onSubmit,
  active = true,
}: {
  choices: readonly T[];
  value: string;
  onMove: (delta: number) => void;
  onSubmit: () => void;
  active?: boolean;
}) {
  useInput(
    (_input, key) => {
      if (key.return) return onSubmit();
      const step = key.leftArrow || key.upArrow ? -1 : key.rightArrow || key.downArrow ? 1 : 0;
      if (step !== 0) onMove(step);
    },
    { isActive: active },
  );
  return (
    <Text>
      {choices.map((c, i) => (
        <Text key={c}>
          {i > 0 ? '  ' : ''}
          {c === value ? (
            <Text color="cyan" inverse>
              {` ${c} `}
            </Text>
          ) : (
            ` ${c} `
          )}
        </Text>
      ))}
    </Text>
  );
}
