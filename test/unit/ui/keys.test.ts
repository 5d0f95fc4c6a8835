import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { commandFor } from '../../../cli/ui/dashboard/keys.js';
import { dashboardReducer } from '../../../cli/ui/dashboard/reducer.js';
import { initialState } from '../../../cli/ui/dashboard/state.js';
import { T0, runningState } from './helpers.js';

const none: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const key = (k: Partial<Key> = {}): Key => ({ ...none, ...k });

describe('commandFor', () => {
  const s = runningState();

  it('maps the documented keys while running', () => {
    expect(commandFor('k', key(), s)).toEqual({ kind: 'kill' });
    expect(commandFor('K', key(), s)).toEqual({ kind: 'kill', container: 'demo-patient-api-1' });
    expect(commandFor('+', key(), s)).toEqual({ kind: 'scale', service: 'patient-api', delta: 1 });
    expect(commandFor('-', key(), s)).toEqual({ kind: 'scale', service: 'patient-api', delta: -1 });
    expect(commandFor('l', key(), s)).toEqual({ kind: 'toggle', panel: 'logs' });
    expect(commandFor('?', key(), s)).toEqual({ kind: 'toggle', panel: 'help' });
    expect(commandFor('', key({ downArrow: true }), s)).toEqual({ kind: 'select', delta: 1 });
    expect(commandFor('q', key(), s)).toEqual({ kind: 'quit' });
    expect(commandFor('c', key({ ctrl: true }), s)).toEqual({ kind: 'interrupt' });
    expect(commandFor('x', key(), s)).toBeUndefined();
  });

  it('refuses K, + and - on the database, saying why', () => {
    const db = dashboardReducer(s, { type: 'ui.select', delta: 10 });
    expect(db.ui.selected).toBe('demo-database-1');
    expect(commandFor('K', key(), db)).toMatchObject({
      kind: 'refuse',
      text: expect.stringMatching(/is the database: K, \+ and - act on task replicas only/),
    });
    expect(commandFor('+', key(), db)).toMatchObject({ kind: 'refuse' });
  });

  it('in the quit prompt, only r, d and esc mean something', () => {
    const p = dashboardReducer(s, { type: 'ui.prompt', prompt: 'quit' });
    expect(commandFor('r', key(), p)).toEqual({ kind: 'leave' });
    expect(commandFor('d', key(), p)).toEqual({ kind: 'teardown' });
    expect(commandFor('', key({ escape: true }), p)).toEqual({ kind: 'cancel' });
    expect(commandFor('k', key(), p)).toBeUndefined();
  });

  it('while starting, q stops the start and nothing can be killed', () => {
    const starting = initialState(T0);
    expect(commandFor('q', key(), starting)).toEqual({ kind: 'interrupt' });
    expect(commandFor('k', key(), starting)).toBeUndefined();
    expect(commandFor('?', key(), starting)).toEqual({ kind: 'toggle', panel: 'help' });
  });

  it('ignores everything but Ctrl-C while tearing down', () => {
    const stopping = dashboardReducer(s, { type: 'ui.phase', phase: 'stopping' });
    expect(commandFor('q', key(), stopping)).toBeUndefined();
    expect(commandFor('c', key({ ctrl: true }), stopping)).toEqual({ kind: 'interrupt' });
  });
});
