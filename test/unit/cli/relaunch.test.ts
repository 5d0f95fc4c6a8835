import { describe, expect, it } from 'vitest';
import { LIVE_SEMI_SPACE_MB, relaunchArgs, type RelaunchInput } from '../../../cli/relaunch.js';

const base: RelaunchInput = {
  argv: ['/usr/bin/node', '/opt/rehearsal/dist/cli/main.js', 'up', '--replicas', '5'],
  execArgv: [],
  env: {},
  interactive: true,
  canExec: true,
};
const flag = `--max-semi-space-size=${LIVE_SEMI_SPACE_MB}`;

describe('relaunchArgs', () => {
  it('restarts `up` and `demo` in a terminal with a small young generation, argv kept', () => {
    expect(relaunchArgs(base)).toEqual([
      flag,
      '/opt/rehearsal/dist/cli/main.js',
      'up',
      '--replicas',
      '5',
    ]);
    expect(
      relaunchArgs({
        ...base,
        argv: ['node', 'main.js', '--verbose', 'demo'],
        execArgv: ['--enable-source-maps'],
      }),
    ).toEqual([flag, '--enable-source-maps', 'main.js', '--verbose', 'demo']);
  });

  it.each<[string, Partial<RelaunchInput>]>([
    ['a short command', { argv: ['node', 'main.js', 'status'] }],
    ['no command', { argv: ['node', 'main.js', '--version'] }],
    ['--no-tui', { argv: ['node', 'main.js', '--no-tui', 'up'] }],
    ['--help', { argv: ['node', 'main.js', 'up', '--help'] }],
    ['up --detach', { argv: ['node', 'main.js', 'up', '--detach'] }],
    ['not a terminal', { interactive: false }],
    ['a Node without process.execve (Node 20)', { canExec: false }],
    ['the second start', { env: { REHEARSAL_RELAUNCHED: '1' } }],
    ['the flag given on the command line', { execArgv: ['--max-semi-space-size=8'] }],
    ['the flag in NODE_OPTIONS', { env: { NODE_OPTIONS: '--max-semi-space-size=4' } }],
    ['the bench baseline', { env: { REHEARSAL_HEAP_KEEPER: 'off' } }],
  ])('goes on unchanged for %s', (_, change) => {
    expect(relaunchArgs({ ...base, ...change })).toBeUndefined();
  });
});
