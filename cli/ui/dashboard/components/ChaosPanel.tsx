import { Box, Text } from 'ink';
import type { ChaosStep, ChaosView } from '../state.js';

const STATE: Record<ChaosView['state'], { text: string; color?: string }> = {
  off: { text: 'off' },
  starting: { text: 'starting', color: 'yellow' },
  on: { text: 'on', color: 'red' },
  stopping: { text: 'stopping: restoring the replica count', color: 'yellow' },
};

const at = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function outcomeText(s: ChaosStep, live: boolean): { text: string; color?: string } {
  if (!s.outcome) return live ? { text: 'running…', color: 'yellow' } : { text: 'cut short' };
  const o = s.outcome;
  const failed = o.failedRequests ? `, ${o.failedRequests} failed request(s)` : '';
  return o.ok
    ? { text: `recovered in ${at(o.ms)}${failed}`, color: o.failedRequests ? 'yellow' : 'green' }
    : { text: `FAILED: ${o.detail}`, color: 'red' };
}

/**
 * Chaos: the seed that repeats the run, the next planned action, and the last few actions with
 * how the sandbox came through them.
 */
export function ChaosPanel({ chaos, width }: { chaos: ChaosView; width: number }) {
  const c = chaos;
  const state = STATE[c.state];
  if (c.state === 'off' && c.recent.length === 0)
    return (
      <Box width={width} marginTop={1}>
        <Text wrap="truncate" dimColor>
          chaos off · c starts random chaos under live traffic (a seed is printed)
          {c.ended ? ` · ${c.ended}` : ''}
        </Text>
      </Box>
    );
  const next = c.upcoming[0];
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate">
        <Text bold>chaos </Text>
        <Text color={state.color}>{state.text}</Text>
        {c.seed !== undefined ? ` · seed ${c.seed}` : ''}
        {c.total ? ` · ${c.started}/${c.total} actions` : ''}
        {c.bounds && c.state !== 'off' ? ` · within ${c.bounds.min}..${c.bounds.max}` : ''}
        {c.state === 'off' && c.ended ? ` · ${c.ended}` : ''}
      </Text>
      {c.state === 'on' || c.state === 'starting' ? (
        <Text wrap="truncate" dimColor>
          {'  next '}
          {next
            ? `#${next.seq} at ${at(next.atMs)}: ${next.description}`
            : 'none: letting the sandbox settle'}
        </Text>
      ) : null}
      {c.recent.map((s) => {
        const o = outcomeText(s, c.state !== 'off');
        return (
          <Text key={s.seq} wrap="truncate">
            {'  '}#{s.seq} {s.description} <Text color={o.color}>→ {o.text}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
