import { Box, Text } from 'ink';
import { errorRate, sparkline } from '../slices/traffic.js';
import type { TrafficView } from '../state.js';

const SOURCE: Record<TrafficView['source'], string> = {
  off: 'off',
  own: 'on',
  chaos: "the chaos run's",
};

/** `short` turns a container name into what the replicas table shows. */
function shareLine(t: TrafficView, short: (c: string) => string): string {
  const share = Object.entries(t.last?.share ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (share.length === 0) return '';
  return `share ${share.map(([k, v]) => `${short(k)} ${Math.round(v * 100)}%`).join(' · ')}`;
}

/**
 * Traffic through the TLS edge: requests per second as a sparkline, the error rate over the
 * last five seconds, p50/p99 and each replica's share; failures by cause when there are any.
 */
export function TrafficPanel({
  traffic,
  short,
  width,
}: {
  traffic: TrafficView;
  short: (container: string) => string;
  width: number;
}) {
  const t = traffic;
  if (t.source === 'off' && t.points.length === 0)
    return (
      <Box width={width} marginTop={1}>
        <Text wrap="truncate" dimColor>
          traffic off · t sends requests through the TLS edge
        </Text>
      </Box>
    );
  const rate = errorRate(t);
  const figures = t.last
    ? `${t.last.rps.toFixed(1).padStart(5)} req/s  errors ${(rate * 100).toFixed(1)} %  p50 ${t.last.p50Ms} ms  p99 ${t.last.p99Ms} ms`
    : 'waiting for the first second of figures…';
  const label = `traffic ${SOURCE[t.source]} `;
  const sparkWidth = Math.max(0, Math.min(30, width - label.length - figures.length - 3));
  const causes = Object.entries(t.last?.errors ?? {})
    .map(([k, v]) => `${k} ×${v}`)
    .join(' ');
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate">
        <Text bold>{label}</Text>
        {sparkWidth > 0 ? (
          <Text color="cyan">
            {sparkline(
              t.points.map((p) => p.rps),
              sparkWidth,
            )}{' '}
          </Text>
        ) : null}
        <Text color={rate > 0.01 ? 'red' : undefined}>{figures}</Text>
      </Text>
      <Text wrap="truncate" dimColor>
        {'  '}
        {shareLine(t, short) || 'no replica answered yet'}
        {causes ? <Text color="red">{`  failed: ${causes}`}</Text> : null}
      </Text>
    </Box>
  );
}
