import { Box, Text } from 'ink';
import type { ImageFacts } from '../../../../sandbox/init/image-facts.js';
import { size } from '../../format.js';

/** What the image says about itself, and what the vendor should know about it. */
export function FactsPanel({ facts, width }: { facts: ImageFacts; width: number }) {
  const rows: [string, string][] = [
    ['platform', `${facts.platform}, ${size(facts.sizeBytes)}`],
    ['ports', facts.ports.length ? facts.ports.join(', ') : '(none exposed)'],
    ['health check', facts.healthcheck ?? '(none)'],
    ['user', facts.user],
    ['entrypoint', [...facts.entrypoint, ...facts.cmd].join(' ') || '(none)'],
    [
      'environment',
      facts.env.map((e) => `${e.key}=${e.value}`).join(' ') || '(nothing of its own)',
    ],
  ];
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>{facts.image}</Text>
        {facts.title ? <Text dimColor> · {facts.title}</Text> : null}
      </Text>
      {rows.map(([k, v]) => (
        <Text key={k} wrap="truncate">
          {'  '}
          <Text dimColor>{k.padEnd(13)}</Text>
          {v}
        </Text>
      ))}
      {facts.notes.map((n) => (
        <Text key={n} color="yellow" wrap="truncate">
          {'  ! '}
          {n}
        </Text>
      ))}
    </Box>
  );
}
