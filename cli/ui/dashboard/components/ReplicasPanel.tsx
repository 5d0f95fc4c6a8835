import { Box, Text } from 'ink';
import { bar, fit, mib, uptime } from '../../format.js';
import type { ReplicaRow } from '../state.js';

const HEALTH_COLOR: Record<ReplicaRow['health'], string | undefined> = {
  healthy: 'green',
  starting: 'yellow',
  unhealthy: 'red',
  stopped: 'red',
  unknown: undefined,
};

function stateText(r: ReplicaRow): string {
  if (r.state === 'exited') return r.oomKilled ? 'OOM-killed' : `exit ${r.exitCode ?? '?'}`;
  return r.state;
}

/** Column widths for a terminal `width` wide; the memory bar takes what is left (maybe none). */
export function replicaColumns(width: number, names: string[], withRate: boolean) {
  const name = Math.min(28, Math.max(8, ...names.map((n) => n.length)));
  const fixed = 2 + name + 2 + 10 + 2 + 9 + 2 + 5 + 2 + 10 + 2 + 6 + (withRate ? 8 : 0);
  const memBar = Math.max(0, Math.min(20, width - fixed - 1));
  return { name, memBar };
}

function memoryText(r: ReplicaRow, limit: number | undefined): string {
  if (r.memoryBytes === undefined) return limit ? `-/${mib(limit)}M` : '-';
  return limit ? `${mib(r.memoryBytes)}/${mib(limit)}M` : `${mib(r.memoryBytes)}M`;
}

/**
 * The replicas table: state, health, uptime, memory against the declared limit (a bar only
 * where there is a limit), CPU, and requests per second once traffic data exists (the column is
 * absent until then).
 */
export function ReplicasPanel({
  rows,
  limits,
  selected,
  sandboxId,
  now,
  width,
}: {
  rows: ReplicaRow[];
  /** Service → declared memory limit in bytes (absent: no limit). */
  limits: Record<string, number | undefined>;
  selected: string | undefined;
  sandboxId: string | undefined;
  now: number;
  width: number;
}) {
  const short = (c: string) =>
    sandboxId && c.startsWith(`${sandboxId}-`) ? c.slice(sandboxId.length + 1) : c;
  const withRate = rows.some((r) => r.requestsPerSecond !== undefined);
  const col = replicaColumns(
    width,
    rows.map((r) => short(r.container)),
    withRate,
  );
  const memWidth = 10 + (col.memBar > 0 ? col.memBar + 1 : 0);
  const header =
    `  ${fit('REPLICA', col.name)}  ${fit('STATE', 10)}  ${fit('HEALTH', 9)}  ${fit('UP', 5)}  ` +
    `${fit('MEMORY', memWidth)}  ${'CPU'.padStart(6)}${withRate ? `  ${'REQ/S'.padStart(6)}` : ''}`;
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate" dimColor>
        {header}
      </Text>
      {rows.length === 0 ? <Text dimColor> (no replicas yet)</Text> : null}
      {rows.map((r) => {
        const isSelected = r.container === selected;
        const limit = limits[r.service];
        const ratio = r.memoryBytes !== undefined && limit ? r.memoryBytes / limit : 0;
        const running = r.state === 'running';
        const up = r.startedAt !== undefined && running ? uptime(now - r.startedAt) : '-';
        const cpu = r.cpuPercent !== undefined && running ? `${Math.round(r.cpuPercent)}%` : '-';
        const rate = r.requestsPerSecond?.toFixed(1) ?? '-';
        return (
          <Text key={r.container} wrap="truncate" inverse={isSelected}>
            {isSelected ? '› ' : '  '}
            {fit(short(r.container), col.name)}
            {'  '}
            <Text color={running ? undefined : 'red'}>{fit(stateText(r), 10)}</Text>
            {'  '}
            <Text color={HEALTH_COLOR[r.health]}>{fit(r.health, 9)}</Text>
            {'  '}
            {fit(up, 5)}
            {'  '}
            {fit(memoryText(r, limit), 10)}
            {col.memBar > 0 ? (
              <Text color={ratio > 0.9 ? 'red' : ratio > 0.7 ? 'yellow' : 'green'}>
                {limit ? bar(ratio, col.memBar) : ' '.repeat(col.memBar)}{' '}
              </Text>
            ) : null}
            {'  '}
            {cpu.padStart(6)}
            {withRate ? `  ${rate.padStart(6)}` : ''}
          </Text>
        );
      })}
    </Box>
  );
}
