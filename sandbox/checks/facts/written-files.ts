/** Every file a replica wrote, read back and searched for the run's synthetic PHI. */
import type { Engine, FileChange } from '../../engine/engine.js';
import { canariesIn, maskCanaries, type Canaries } from '../../traffic/canary.js';

/** Files read, at most, and bytes kept of each: enough for logs, bounded for data dumps. */
const MAX_FILES = 40;
const MAX_BYTES = 1 << 20;
/** Not files a service writes: kernel views and devices. */
const SKIP = /^\/(proc|sys|dev)(\/|$)/;

/**
 * Reads each added or changed path (`docker diff`) inside the running replica with `head -c`
 * (directories fail quietly) and returns `path:line: text` for each line holding a canary,
 * masked. An image without `head` cannot be searched: said in `error`, never taken as clean.
 */
export async function searchWrittenFiles(
  engine: Engine,
  container: string,
  changes: FileChange[],
  canaries: Canaries,
  /** The replica's own output lines: a file that repeats them is a log file, whatever its name. */
  output: Set<string> = new Set(),
): Promise<{ hits: string[]; logLike: string[]; error?: string }> {
  const paths = changes
    .filter((c) => c.kind !== 'deleted' && !SKIP.test(c.path))
    .map((c) => c.path)
    .filter((p, _, all) => !all.some((o) => o.startsWith(`${p}/`)))
    .slice(0, MAX_FILES);
  const hits: string[] = [];
  const logLike: string[] = [];
  for (const path of paths) {
    const r = await engine
      .exec(container, ['head', '-c', String(MAX_BYTES), '--', path], 10_000)
      .catch((err: Error) => ({ exitCode: -2, output: [err.message] }));
    if (r.exitCode === 127 || r.exitCode === 126 || r.exitCode === -2)
      return {
        hits,
        logLike,
        error: `could not read ${path} in the replica: ${r.output.join(' ').slice(0, 120)}`,
      };
    if (r.exitCode !== 0) continue;
    const lines = r.output.filter((l) => l.trim() !== '').slice(0, 50);
    if (lines.length > 0 && lines.filter((l) => output.has(l.trim())).length * 2 >= lines.length)
      logLike.push(path);
    r.output.forEach((line, i) => {
      if (canariesIn(line, canaries).length > 0)
        hits.push(`${path}:${i + 1}: ${maskCanaries(line, canaries).slice(0, 200)}`);
    });
  }
  return { hits, logLike };
}
