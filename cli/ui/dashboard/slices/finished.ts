import { format } from '../../../plain-reporter.js';
import type { DashboardAction } from '../actions.js';
import type { FinishedLines, TimedEvent, Tone } from '../state.js';

/** Lines printed but not yet dropped; past this many, the printed ones are let go. */
export const FINISHED_KEEP = 50;

const TONE: Partial<Record<TimedEvent['type'], Tone>> = {
  'replica.killed': 'bad',
  'replica.died': 'bad',
  'replica.replaced': 'good',
  'sandbox.ready': 'good',
  'sandbox.removed': 'good',
  'chaos.action': 'warn',
  warning: 'warn',
};

/** Events that finish something worth a permanent line; the rest live in the panels. */
const SHOWN = new Set<TimedEvent['type']>([
  'plan.ready',
  'image.ready',
  'replica.stopping',
  'replica.removed',
  'replica.killed',
  'replica.died',
  'replica.replaced',
  'scale.planned',
  'sandbox.ready',
  'sandbox.removed',
  'sandbox.repaired',
  'init.started',
  'init.finished',
  'cron.started',
  'cron.finished',
  'chaos.planned',
  'chaos.action',
  'chaos.result',
  'requirement.judged',
  'run.finished',
  'warning',
]);

function add(f: FinishedLines, text: string, tone: Tone): FinishedLines {
  return { ...f, items: [...f.items, { seq: f.next, text, tone }], next: f.next + 1 };
}

/**
 * Finished lines, in the plain reporter's words so both views say the same thing. `<Static>`
 * prints each line once; after `ui.printed` says which are on screen, those are dropped and the
 * epoch changes, so the list never grows past what one render adds.
 */
export function finishedReducer(f: FinishedLines, a: DashboardAction): FinishedLines {
  if (a.type === 'ui.notice') return add(f, a.text, a.tone);
  if (a.type === 'ui.printed') {
    if (f.items.length < FINISHED_KEEP) return f;
    const items = f.items.filter((i) => i.seq > a.upTo);
    return { ...f, epoch: f.epoch + 1, items };
  }
  if (a.type.startsWith('ui.') || !SHOWN.has(a.type as TimedEvent['type'])) return f;
  const e = a as TimedEvent;
  // A verdict's evidence belongs in the journal and the report; here its one line is enough.
  const text = format(e, false)?.split('\n')[0]?.replace(/^ {2}/, '');
  return text === undefined ? f : add(f, text, toneOf(e));
}

function toneOf(e: TimedEvent): Tone {
  if (e.type === 'chaos.result') return e.ok ? 'plain' : 'bad';
  if (e.type === 'requirement.judged')
    return e.outcome === 'pass' ? 'good' : e.outcome === 'fail' ? 'bad' : 'warn';
  if (e.type === 'run.finished') return e.outcome.failed.length > 0 ? 'bad' : 'good';
  return TONE[e.type] ?? 'plain';
}
