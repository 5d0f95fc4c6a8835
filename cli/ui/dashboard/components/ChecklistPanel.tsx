import { Box, Text } from 'ink';
import { REQUIREMENTS } from '../../../../sandbox/checks/catalogue.js';
import { fit } from '../../format.js';
import { shownVerdict } from '../slices/checklist.js';
import type { ChecklistVerdict, ChecklistView } from '../state.js';

const MARK: Record<ChecklistVerdict['verdict'] | 'none', { mark: string; color?: string }> = {
  pass: { mark: '✓', color: 'green' },
  fail: { mark: '✗', color: 'red' },
  warn: { mark: '!', color: 'yellow' },
  'not-applicable': { mark: '–' },
  'not-checked': { mark: '·' },
  none: { mark: ' ' },
};

/** Width of one requirement's cell: a mark and the title. */
const CELL = 26;
/** Failures explained under the grid, at most. */
const WHY_LINES = 3;

/**
 * The requirement checklist: every requirement of the packaging document in a grid of cells
 * (as many columns as the width allows), each marked with its live verdict, the worst of a check
 * run's (`r`) and the chaos verdicts bearing on it; the running check's step and the first
 * failures' reasons underneath.
 */
export function ChecklistPanel({ checklist, width }: { checklist: ChecklistView; width: number }) {
  const c = checklist;
  const judged = Object.keys(c.checks).length + Object.keys(c.chaos).length;
  if (c.state === 'idle' && judged === 0)
    return (
      <Box width={width} marginTop={1}>
        <Text wrap="truncate" dimColor>
          requirements: not judged yet · r runs the checks on a fresh copy of this sandbox
        </Text>
      </Box>
    );
  const columns = Math.max(1, Math.floor(width / CELL));
  const cells = REQUIREMENTS.map((r) => ({ r, shown: shownVerdict(c, r.id) }));
  const rows: (typeof cells)[] = [];
  for (let i = 0; i < cells.length; i += columns) rows.push(cells.slice(i, i + columns));
  const failures = cells.filter((x) => x.shown?.verdict.verdict === 'fail').slice(0, WHY_LINES);
  const head =
    c.state === 'running'
      ? `checking… ${c.step ?? ''}`
      : (c.summary ?? 'chaos verdicts only · r runs the checks');
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate">
        <Text bold>requirements </Text>
        <Text color={c.state === 'running' ? 'yellow' : undefined} dimColor={c.state !== 'running'}>
          {head}
        </Text>
      </Text>
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate">
          {row.map(({ r, shown }) => {
            const m = MARK[shown?.verdict.verdict ?? 'none'];
            return (
              <Text key={r.id}>
                <Text color={m.color}>{m.mark}</Text>{' '}
                {fit(`${r.title}${r.severity === 'SHOULD' ? '°' : ''}`, CELL - 3)}{' '}
              </Text>
            );
          })}
        </Text>
      ))}
      {failures.map(({ r, shown }) => (
        <Text key={r.id} wrap="truncate" color="red">
          {'  ✗ '}
          {r.title} ({shown?.source}): {shown?.verdict.why ?? 'failed'}
        </Text>
      ))}
    </Box>
  );
}
