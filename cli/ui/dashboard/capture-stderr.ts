/**
 * While the dashboard owns the terminal, text written straight to stderr (a Node warning, a
 * library's message) would land in the middle of Ink's frame and break it. This routes such
 * writes, line by line, to `onLine` instead, and returns the function that restores stderr.
 */
export function captureStderr(
  onLine: (line: string) => void,
  stream: NodeJS.WriteStream = process.stderr,
): () => void {
  const original = stream.write;
  let partial = '';
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim() !== '') onLine(l);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  stream.write = write as typeof stream.write;
  return () => {
    stream.write = original;
    if (partial.trim() !== '') onLine(partial);
  };
}
