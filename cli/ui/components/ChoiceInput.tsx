import { Text, useInput } from 'ink';

/** One of a few choices: ← → (or ↑ ↓) move, Enter accepts. */
export function ChoiceInput<T extends string>({
  choices,
  value,
  onChange,
  onSubmit,
  active = true,
}: {
  choices: readonly T[];
  value: string;
  onChange: (value: T) => void;
  onSubmit: () => void;
  active?: boolean;
}) {
  useInput(
    (_input, key) => {
      if (key.return) return onSubmit();
      const at = Math.max(0, choices.indexOf(value as T));
      const step = key.leftArrow || key.upArrow ? -1 : key.rightArrow || key.downArrow ? 1 : 0;
      if (step === 0) return;
      const next = choices[(at + step + choices.length) % choices.length];
      if (next !== undefined) onChange(next);
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
