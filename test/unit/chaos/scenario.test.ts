import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sandbox/chaos/scenario.js';
import { ValidationError } from '../../../sandbox/errors.js';

const bounds = { min: 2, max: 6, initial: 3 };

function problems(text: string): string[] {
  try {
    parseScenario('/x/scenario.yaml', text, bounds);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems.map(
      (p) => `${p.location.line}:${p.location.column} ${p.message}`,
    );
  }
  throw new Error('expected a ValidationError');
}

describe('scripted scenarios', () => {
  it('reads timed actions, in time order, numbered', () => {
    const actions = parseScenario(
      '/x/scenario.yaml',
      [
        '- { at: 6s, action: scale, to: 4 }',
        '- { at: 2s, action: kill }',
        '- { at: 9s, action: pause, target: 1, hold: 1500ms }',
        '- { at: 1m, action: db-restart }',
      ].join('\n'),
      bounds,
    );
    expect(actions).toEqual([
      { seq: 1, atMs: 2000, kind: 'kill', target: 0 },
      { seq: 2, atMs: 6000, kind: 'scale', to: 4 },
      { seq: 3, atMs: 9000, kind: 'pause', target: 1, holdMs: 1500 },
      { seq: 4, atMs: 60_000, kind: 'db-restart' },
    ]);
  });

  it('says file:line:column for bad YAML', () => {
    expect(problems('- { at: 2s, action: kill\n- oops')[0]).toMatch(/^2:1 invalid YAML/);
  });

  it('says where an action is unknown, a duration wrong, or a scale out of bounds', () => {
    expect(
      problems(
        [
          '- { at: 2s, action: kill }',
          '- { at: 3s, action: explode }',
          '- { at: soon, action: stop }',
          '- { at: 5s, action: scale, to: 9 }',
          '- { at: 6s, action: kill, colour: red }',
        ].join('\n'),
      ),
    ).toEqual([
      '2:21 "explode" is not a chaos action',
      '3:9 at must be a duration such as 5s, 1m30s or 500ms',
      '4:32 cannot scale to 9: the declaration allows 2..6 instances',
      '5:27 unknown key "colour"',
    ]);
  });

  it('wants a non-empty list', () => {
    expect(problems('kill: now')[0]).toMatch(/non-empty YAML list/);
  });
});
