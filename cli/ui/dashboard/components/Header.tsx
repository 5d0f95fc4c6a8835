import { Box, Text } from 'ink';
import type { DashboardState } from '../state.js';

const PHASE: Record<DashboardState['phase'], { text: string; color: string }> = {
  starting: { text: 'starting', color: 'yellow' },
  running: { text: 'running', color: 'green' },
  stopping: { text: 'tearing down', color: 'yellow' },
  stopped: { text: 'removed', color: 'gray' },
};

/** Sandbox, product, phase, and each service's healthy count against its bounds. */
export function Header({
  state,
  width,
}: {
  state: Pick<
    DashboardState,
    'sandboxId' | 'product' | 'phase' | 'services' | 'replicas' | 'endpoints'
  >;
  width: number;
}) {
  const phase = PHASE[state.phase];
  const summary = state.services
    .filter((s) => s.role !== 'cron')
    .map((s) => {
      // Two tasks of one image are two services here, each with its kind.
      if (s.role === 'init') return `${s.name} (initialization) ${s.progress ?? 'waiting'}`;
      const rows = state.replicas.filter((r) => r.service === s.name);
      const healthy = rows.filter((r) => r.health === 'healthy').length;
      const bounds = s.role === 'task' ? ` (${s.min}..${s.max ?? '∞'})` : '';
      const kind = s.kind === 'worker' ? ' (worker)' : '';
      return `${s.name}${kind} ${healthy}/${s.desired} healthy${bounds}`;
    })
    .join(' · ');
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>Rehearsal</Text>
        {state.sandboxId ? ` · sandbox ${state.sandboxId}` : ''}
        {state.product ? ` · ${state.product}` : ''}
        {' · '}
        <Text color={phase.color}>{phase.text}</Text>
      </Text>
      {summary ? (
        <Text wrap="truncate" dimColor>
          {summary}
        </Text>
      ) : null}
      {state.endpoints.length > 0 ? (
        <Text wrap="truncate">
          {state.endpoints.map((e, i) => (
            <Text key={e.service}>
              {i > 0 ? ' · ' : ''}
              {e.service} <Text color="cyan">{e.url}</Text>
            </Text>
          ))}
        </Text>
      ) : null}
    </Box>
  );
}
