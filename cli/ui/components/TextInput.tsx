import { Text, useInput } from 'ink';

/** One change to a text field. Edits, not new values: two keys pressed before React re-renders
 * must both count, so the owner applies each to its current text (see `applyEdit`). */
export type TextEdit = { kind: 'append'; text: string } | { kind: 'backspace' } | { kind: 'clear' };

export function applyEdit(value: string, edit: TextEdit): string {
  if (edit.kind === 'append') return value + edit.text;
  if (edit.kind === 'backspace') return value.slice(0, -1);
  return '';
}

/**
 * A one-line text field: typing appends, Backspace deletes, Ctrl-U clears, Enter submits. The
 * cursor stays at the end; that is all a prompt for an image name or a number needs.
 */
export function TextInput({
  value,
  onEdit,
  onSubmit,
  active = true,
}: {
  value: string;
  onEdit: (edit: TextEdit) => void;
  onSubmit: () => void;
  active?: boolean;
}) {
  useInput(
    (input, key) => {
      if (key.return) return onSubmit();
      if (key.backspace || key.delete) return onEdit({ kind: 'backspace' });
      if (key.ctrl && input === 'u') return onEdit({ kind: 'clear' });
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow) return;
      if (key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
      // Pasted text arrives in one piece; keep its printable characters.
      const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
      if (printable) onEdit({ kind: 'append', text: printable });
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
