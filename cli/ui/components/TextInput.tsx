import { Text, useInput } from 'ink';

/**
 * A one-line text field: typing appends, Backspace deletes, Ctrl-U clears, Enter submits. The
 * cursor stays at the end; that is all a prompt for an image name or a number needs.
 */
export function TextInput({
  value,
  onChange,
  onSubmit,
  active = true,
}: {
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  active?: boolean;
}) {
  useInput(
    (input, key) => {
      if (key.return) return onSubmit();
      if (key.backspace || key.delete) return onChange(value.slice(0, -1));
      if (key.ctrl && input === 'u') return onChange('');
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow) return;
      if (key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
      // Pasted text arrives in one piece; keep its printable characters.
      const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
      if (printable) onChange(value + printable);
    },
    { isActive: active },
  );
  return (
    <Text>
      {value}
      <Text inverse> </Text>
    </Text>
  );
}
