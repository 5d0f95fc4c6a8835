import type { TaskDeclaration, TaskKind } from './types.js';

export const TASK_KINDS: readonly TaskKind[] = ['web', 'worker', 'initialization', 'cron'];

/** Words of a label that name a step run once before the service starts. */
const ONE_OFF_LABEL =
  /\b(init|initiali[sz](e|es|ed|ing|ation|er)|set ?up|bootstrap\w*|migrat\w*|seed(s|ing|er)?|load(s|ing|er)?|import(s|ing|er)?|download\w*|provision\w*|install\w*)\b/i;
const URL_OPTION = /^(https?|ftp|s3|gs):\/\//i;

export interface KindDecision {
  kind: TaskKind;
  /** Why, in words a user can check against the file: "it declares ports 8080". */
  reason: string;
}

/**
 * The one place that decides a task's kind, from the fields it declares, unless rehearsal.yaml
 * says `kind:` for it:
 * 1. a `cron` schedule → cron;
 * 2. `ports` → web;
 * 3. no ports, and options that are URLs to fetch or a label that names a one-off step (load,
 *    seed, migrate, init, set up, import, download, …) → initialization;
 * 4. otherwise, no ports → worker.
 */
export function decideKind(
  task: Pick<TaskDeclaration, 'cron' | 'ports' | 'options' | 'label'>,
  override?: TaskKind,
): KindDecision {
  if (override !== undefined)
    return { kind: override, reason: `rehearsal.yaml says kind: ${override}` };
  if (task.cron !== undefined)
    return { kind: 'cron', reason: `it declares the schedule "${task.cron}"` };
  if (task.ports.length > 0)
    return {
      kind: 'web',
      reason: `it declares port${task.ports.length > 1 ? 's' : ''} ${task.ports.join(', ')}`,
    };
  const urls = task.options.filter((o) => URL_OPTION.test(o));
  if (urls.length > 0)
    return {
      kind: 'initialization',
      reason: `it declares no ports and its options name ${urls.length === 1 ? 'a URL' : `${urls.length} URLs`} to fetch`,
    };
  const word = ONE_OFF_LABEL.exec(task.label)?.[0];
  if (word !== undefined)
    return {
      kind: 'initialization',
      reason: `it declares no ports and its label says "${word}"`,
    };
  return { kind: 'worker', reason: 'it declares no ports' };
}

/** Long-running kinds: replicas that are supervised, scaled and faulted by chaos. */
export function runsReplicas(kind: TaskKind | undefined): boolean {
  return kind === 'web' || kind === 'worker';
}
