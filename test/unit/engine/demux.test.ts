import { describe, expect, it } from 'vitest';
import { demuxLines, jsonLines } from '../../../sandbox/engine/demux.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('demuxLines', () => {
  it('splits frames into lines per stream, across chunk boundaries', async () => {
    const all = Buffer.concat([frame(1, 'hello\nwor'), frame(2, 'oops\n'), frame(1, 'ld\n')]);
    const chunks = [all.subarray(0, 5), all.subarray(5, 19), all.subarray(19)];
    expect(await collect(demuxLines(chunks))).toEqual([
      { stream: 'stdout', text: 'hello' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'world' },
    ]);
  });

  it('reads raw TTY output as stdout and flushes a last line without newline', async () => {
    expect(await collect(demuxLines(['a\r\nb'], true))).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
    ]);
  });
});

describe('jsonLines', () => {
  it('parses newline-delimited JSON split anywhere', async () => {
    expect(await collect(jsonLines(['{"a":1}\n{"b"', ':2}\n\n']))).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
