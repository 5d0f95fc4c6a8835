import { Box, Text } from 'ink';
import type { Question } from '../../../../sandbox/init/questions.js';
import { ChoiceInput } from '../../components/ChoiceInput.js';
import { TextInput, type TextEdit } from '../../components/TextInput.js';

/** One question: its prompt, the answer being typed (proposal prefilled), and its problem. */
export function QuestionPrompt({
  question,
  position,
  value,
  error,
  onEdit,
  onMove,
  onSubmit,
  width,
}: {
  question: Question;
  position: [number, number];
  value: string;
  error: string | undefined;
  onEdit: (edit: TextEdit) => void;
  onMove: (delta: number) => void;
  onSubmit: () => void;
  width: number;
}) {
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate">
        <Text color="cyan">?</Text> <Text bold>{question.prompt}</Text>
        <Text dimColor>
          {' '}
          ({position[0]}/{position[1]} · {question.flag.split(' ')[0]})
        </Text>
      </Text>
      <Box>
        <Text>{'  '}</Text>
        {question.choices ? (
          <ChoiceInput
            choices={question.choices}
            value={value}
            onMove={onMove}
            onSubmit={onSubmit}
          />
        ) : (
          <TextInput value={value} onEdit={onEdit} onSubmit={onSubmit} />
        )}
      </Box>
      <Text wrap="truncate" color={error ? 'red' : undefined} dimColor={!error}>
        {'  '}
        {error ??
          (question.choices ? '← → choose · enter accepts · esc back' : 'enter accepts · esc back')}
      </Text>
    </Box>
  );
}
