import { Box, Text } from 'ink';
import { QUESTIONS } from '../../../../sandbox/init/questions.js';
import type { GivenAnswers } from '../../../../sandbox/init/answers.js';

/** The questions answered so far (by flag or by typing), one short line each. */
export function AnswersList({
  texts,
  upTo,
  given,
  width,
}: {
  texts: GivenAnswers;
  upTo: number;
  given: GivenAnswers;
  width: number;
}) {
  const answered = QUESTIONS.slice(0, upTo).filter((q) => texts[q.key] !== undefined);
  if (answered.length === 0) return null;
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      {answered.map((q) => (
        <Text key={q.key} wrap="truncate">
          <Text color="green">✓</Text> <Text dimColor>{q.prompt}:</Text> {texts[q.key]}
          {given[q.key] !== undefined ? <Text dimColor> ({q.flag.split(' ')[0]})</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
