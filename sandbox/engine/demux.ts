import type { LogLine } from './engine.js';

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream type, 3 zero bytes,
 * big-endian length) into lines per stream. A container with a TTY sends raw bytes instead;
 * `raw` treats everything as stdout.
 */
export async function* demuxLines(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  raw = false,
): AsyncGenerator<LogLine> {
  let pending: Buffer = Buffer.alloc(0);
  const partial = { stdout: '', stderr: '' };
  function* emit(stream: 'stdout' | 'stderr', text: string): Generator<LogLine> {
    const lines = (partial[stream] + text).split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) yield { stream, text: line.replace(/\r$/, '') };
  }
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (raw) {
      yield* emit('stdout', buf.toString('utf8'));
      continue;
    }
    pending = pending.length === 0 ? buf : Buffer.concat([pending, buf]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const type = pending[0] === 2 ? 'stderr' : 'stdout';
      yield* emit(type, pending.subarray(8, 8 + size).toString('utf8'));
      pending = pending.subarray(8 + size);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (partial[stream] !== '') yield { stream, text: partial[stream] };
  }
}

/** Splits a stream of newline-delimited JSON into objects (Docker's progress and event streams). */
export async function* jsonLines(
  chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<unknown> {
  let buf = '';
  for await (const chunk of chunks) {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line);
    }
  }
  if (buf.trim()) yield JSON.parse(buf);
}
