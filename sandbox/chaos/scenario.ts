import { Problems } from '../declaration/problems.js';
import { parseYamlSource } from '../declaration/yaml-source.js';
import { ValidationError, type SourceLocation } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { CHAOS_KINDS, type ChaosAction, type ChaosKind } from './action.js';
import type { Bounds } from './schedule.js';

const DEFAULT_HOLD_MS = 2000;
const KEYS = new Set(['at', 'action', 'target', 'to', 'hold']);
const EXAMPLE = '- { at: 5s, action: kill, target: 0 }';

/**
 * Reads a scripted scenario: a YAML list of timed actions, e.g.
 *
 * ```yaml
 * - { at: 2s, action: kill, target: 0 }     # SIGKILL the first running replica
 * - { at: 6s, action: scale, to: 4 }        # within instances_minimum..maximum
 * - { at: 9s, action: pause, target: 1, hold: 3s }
 * - { at: 14s, action: db-restart }
 * ```
 *
 * Every problem is reported with file:line:column (a `ValidationError`, exit code 2).
 */
export function parseScenario(file: string, text: string, bounds?: Bounds): ChaosAction[] {
  const problems = new Problems();
  const src = parseYamlSource(file, text, problems);
  if (problems.errorCount > 0) throw new ValidationError(problems.sorted([file]));
  const list = src.value;
  if (!Array.isArray(list) || list.length === 0) {
    problems.error(
      src.at(''),
      'a scenario is a non-empty YAML list of actions',
      `write ${EXAMPLE}`,
    );
    throw new ValidationError(problems.list);
  }
  const out: ChaosAction[] = [];
  list.forEach((item: unknown, i) => {
    const at = (key = '') => src.at(`/${i}${key ? `/${key}` : ''}`);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.error(at(), 'each action is a mapping', `write ${EXAMPLE}`);
      return;
    }
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!KEYS.has(k))
        problems.error(
          src.keyAt(`/${i}/${k}`),
          `unknown key "${k}"`,
          `use ${[...KEYS].join(', ')}`,
        );
    const kind = o.action as ChaosKind;
    if (!CHAOS_KINDS.includes(kind)) {
      problems.error(
        at('action'),
        `"${String(o.action)}" is not a chaos action`,
        `use one of ${CHAOS_KINDS.join(', ')}`,
      );
      return;
    }
    const atMs = duration(o.at, () => at('at'), problems, 'at');
    if (atMs === undefined) return;
    const action: ChaosAction = { seq: 0, atMs, kind };
    if (kind === 'scale') {
      const to = o.to;
      if (!Number.isInteger(to) || (to as number) < 0) {
        problems.error(at('to'), 'scale needs `to`: a replica count', 'write `to: 4`');
        return;
      }
      if (bounds && ((to as number) < bounds.min || (to as number) > bounds.max)) {
        problems.error(
          at('to'),
          `cannot scale to ${String(to)}: the declaration allows ${bounds.min}..${bounds.max} instances`,
          'pick a count inside instances_minimum..instances_maximum',
        );
        return;
      }
      action.to = to as number;
    }
    if (['kill', 'stop', 'pause', 'disconnect'].includes(kind)) {
      const target = o.target ?? 0;
      if (!Number.isInteger(target) || (target as number) < 0) {
        problems.error(
          at('target'),
          'target is an index into the running replicas',
          'write `target: 0`',
        );
        return;
      }
      action.target = target as number;
    }
    if (kind === 'pause' || kind === 'disconnect') {
      const hold =
        o.hold === undefined
          ? DEFAULT_HOLD_MS
          : duration(o.hold, () => at('hold'), problems, 'hold');
      if (hold === undefined) return;
      action.holdMs = hold;
    }
    out.push(action);
  });
  if (problems.errorCount > 0) throw new ValidationError(problems.sorted([file]));
  return out.sort((a, b) => a.atMs - b.atMs).map((a, i) => ({ ...a, seq: i + 1 }));
}

function duration(
  value: unknown,
  where: () => SourceLocation,
  problems: Problems,
  key: string,
): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value === 'string' && /^(\d+(\.\d+)?(ms|s|m))+$/.test(value.trim()))
    return parseDuration(value.trim());
  problems.error(
    where(),
    `${key} must be a duration such as 5s, 1m30s or 500ms`,
    `write \`${key}: 5s\``,
  );
  return undefined;
}
