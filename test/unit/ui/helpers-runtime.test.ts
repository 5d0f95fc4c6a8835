import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { captureStderr } from '../../../cli/ui/dashboard/capture-stderr.js';
import { keepRunning } from '../../../cli/ui/dashboard/keep-running.js';
import { wantsTui } from '../../../cli/ui/wants-tui.js';
import { bar, fit, mib, size, uptime } from '../../../cli/ui/format.js';

describe('keepRunning', () => {
  it('restarts work that fails or ends, reporting failures, until aborted', async () => {
    const ac = new AbortController();
    const failures: string[] = [];
    let runs = 0;
    await keepRunning(
      async (attempt) => {
        runs++;
        expect(attempt).toBe(runs - 1);
        if (runs === 1) throw new Error('stream closed');
        if (runs === 3) ac.abort();
      },
      ac.signal,
      (e) => failures.push(e.message),
      1,
    );
    expect(runs).toBe(3);
    expect(failures).toEqual(['stream closed']);
  });

  it('gives each run its own signal and aborts it when the run ends', async () => {
    const ac = new AbortController();
    const runs: AbortSignal[] = [];
    await keepRunning(
      async (attempt, run) => {
        runs.push(run);
        if (attempt === 1) ac.abort();
      },
      ac.signal,
      () => undefined,
      1,
    );
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.aborted)).toBe(true);
  });

  it('does not report the failure an abort causes', async () => {
    const ac = new AbortController();
    const onFailure = vi.fn();
    await keepRunning(
      async () => {
        ac.abort();
        throw new Error('aborted');
      },
      ac.signal,
      onFailure,
    );
    expect(onFailure).not.toHaveBeenCalled();
  });
});

describe('captureStderr', () => {
  it('turns writes into lines while active and restores the stream', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    const original = stream.write;
    const lines: string[] = [];
    const restore = captureStderr((l) => lines.push(l), stream);
    stream.write('(node:1) Warning: one\npartial ');
    stream.write(Buffer.from('line\n\n'));
    stream.write('tail');
    restore();
    expect(lines).toEqual(['(node:1) Warning: one', 'partial line', 'tail']);
    expect(stream.write).toBe(original);
  });
});

describe('wantsTui', () => {
  it('needs a terminal on both ends and no --no-tui', () => {
    const tty = { isTTY: true };
    expect(wantsTui(undefined, { stdin: tty, stdout: tty })).toBe(true);
    expect(wantsTui(false, { stdin: tty, stdout: tty })).toBe(false);
    expect(wantsTui(true, { stdin: {}, stdout: tty })).toBe(false);
    expect(wantsTui(true, { stdin: tty, stdout: { isTTY: false } })).toBe(false);
  });
});

describe('format', () => {
  it('renders sizes, uptimes, bars and fitted cells', () => {
    expect(mib(256 * 1024 * 1024)).toBe('256');
    expect(mib(1.5 * 1024 * 1024)).toBe('1.5');
    expect(size(40 * 1024 * 1024)).toBe('40.0 MB');
    expect([uptime(59_000), uptime(600_000), uptime(9_000_000)]).toEqual(['59s', '10m', '2h']);
    expect(bar(0.5, 4)).toBe('██░░');
    expect(bar(Number.NaN, 3)).toBe('░░░');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4)).toBe('ab  ');
  });
});
