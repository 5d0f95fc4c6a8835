import type { Tone } from './dashboard/state.js';

/** The colour of a tone; `plain` keeps the terminal's own. */
export const TONE_COLOR: Record<Tone, string | undefined> = {
  good: 'green',
  bad: 'red',
  warn: 'yellow',
  plain: undefined,
};
