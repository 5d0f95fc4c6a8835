import { Box, Text } from 'ink';
import type { ProposalCheck } from '../../../../sandbox/init/check.js';

const SHOWN = 4;

/** What `rehearsal validate` would say about the files as they stand, updated as you type. */
export function ValidationPanel({
  check,
  width,
}: {
  check: ProposalCheck | undefined;
  width: number;
}) {
  if (!check) return <Text dimColor> validating…</Text>;
  const errors = check.problems.filter((p) => p.severity === 'error');
  const warnings = check.problems.filter((p) => p.severity === 'warning');
  const lines = [
    ...errors.map((p) => ({ tone: 'red', text: `✗ ${p.location.pointer || '/'}: ${p.message}` })),
    ...warnings.map((p) => ({
      tone: 'yellow',
      text: `! ${p.location.pointer || '/'}: ${p.message}`,
    })),
    ...check.notes.map((n) => ({ tone: 'yellow', text: `! ${n}` })),
  ];
  return (
    <Box flexDirection="column" width={width}>
      {errors.length === 0 ? (
        <Text color="green" wrap="truncate">
          {'  ✓ marketplace.json and rehearsal.yaml are valid'}
          {warnings.length ? ` (${warnings.length} warning(s))` : ''}
        </Text>
      ) : null}
      {lines.slice(0, SHOWN).map((l) => (
        <Text key={l.text} color={l.tone} wrap="truncate">
          {'  '}
          {l.text}
        </Text>
      ))}
      {lines.length > SHOWN ? <Text dimColor> … {lines.length - SHOWN} more</Text> : null}
    </Box>
  );
}
