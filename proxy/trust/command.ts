/**
 * External commands as data: what `rehearsal trust` runs, shows in a dry run, and prints for the
 * user to run themselves (with `sudo` or from an Administrator prompt) when it cannot.
 */

/** One program invocation; arguments are never passed through a shell. */
export interface Command {
  file: string;
  args: string[];
}

/** Shorthand for a {@link Command}. */
export function command(file: string, ...args: string[]): Command {
  return { file, args };
}

const POSIX_SAFE = /^[\w@%+=:,./-]+$/;

function quotePosix(arg: string): string {
  if (POSIX_SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function quoteWindows(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/"/g, '""')}"`;
}

/** The command as a user would type it in this platform's usual shell. */
export function formatCommand(cmd: Command, platform: NodeJS.Platform): string {
  const quote = platform === 'win32' ? quoteWindows : quotePosix;
  return [cmd.file, ...cmd.args].map(quote).join(' ');
}

/**
 * The command as the user must run it with administrator rights: prefixed with `sudo` on
 * POSIX systems; on Windows it is unchanged (run it from an elevated prompt).
 */
export function formatElevated(cmd: Command, platform: NodeJS.Platform): string {
  const text = formatCommand(cmd, platform);
  return platform === 'win32' ? text : `sudo ${text}`;
}
