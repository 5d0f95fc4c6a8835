/**
 * The live views (`up` and `demo` in a terminal) run for hours on a laptop. Ink redraws the whole
 * frame as objects on each render (~10 MB/s of short-lived garbage with 5 replicas), so V8 grows
 * its young generation to its maximum, 2 × 16 MB, and never gives it back while the dashboard
 * stays busy. `--max-semi-space-size` bounds that, but Node reads it only at start-up and a bin
 * cannot pass flags to node portably (`env -S` is missing from busybox and npm's Windows shims).
 * So on a Node that can replace its own process image (`process.execve`: Node ≥ 22.15 and ≥ 23.11)
 * Rehearsal restarts itself once, in place — same PID, same terminal, nothing done yet — with a
 * small young generation. Older Node keeps the default; cli/ui/heap.ts works on both.
 */

/** Young-generation semi-space for the live views, in MB (V8's default maximum is 16). */
export const LIVE_SEMI_SPACE_MB = 2;

/** Set in the relaunched process: never relaunch twice. */
const RELAUNCHED = 'REHEARSAL_RELAUNCHED';

/** The commands whose terminal view is long-lived. */
const LIVE_COMMANDS = new Set(['up', 'demo']);

export interface RelaunchInput {
  argv: readonly string[];
  execArgv: readonly string[];
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  canExec: boolean;
}

/**
 * The node arguments to restart with, or undefined when this process should go on as it is:
 * not a live view, not a terminal, `--no-tui` or `--detach`, already relaunched, the flag already chosen (by
 * the user, in NODE_OPTIONS or execArgv), or no `process.execve`.
 */
export function relaunchArgs(i: RelaunchInput): string[] | undefined {
  if (!i.canExec || !i.interactive || i.env[RELAUNCHED] === '1') return undefined;
  if (i.env.REHEARSAL_HEAP_KEEPER === 'off') return undefined; // the bench's baseline
  const args = i.argv.slice(2);
  const command = args.find((a) => !a.startsWith('-'));
  if (!command || !LIVE_COMMANDS.has(command)) return undefined;
  // No live view: plain lines, help, or `up --detach` (returns once the sandbox is healthy).
  if (['--no-tui', '--help', '-h', '--detach'].some((a) => args.includes(a))) return undefined;
  const chosen = (s: string) => s.includes('--max-semi-space-size');
  if (i.execArgv.some(chosen) || chosen(i.env.NODE_OPTIONS ?? '')) return undefined;
  return [`--max-semi-space-size=${LIVE_SEMI_SPACE_MB}`, ...i.execArgv, ...i.argv.slice(1)];
}

/** Restarts this process in place for a live view when it should (see relaunchArgs). */
export function relaunchForLiveView(): void {
  const execve = (
    process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }
  ).execve;
  const args = relaunchArgs({
    argv: process.argv,
    execArgv: process.execArgv,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    canExec: typeof execve === 'function',
  });
  if (!args || !execve) return;
  try {
    execve.call(process, process.execPath, [process.execPath, ...args], {
      ...process.env,
      [RELAUNCHED]: '1',
    });
  } catch {
    // The image could not be replaced (a sandboxed runtime): go on with the default heap.
  }
}
