/**
 * Whether to show an Ink view: only when both ends are a terminal (Ink reads keys in raw mode
 * from stdin and draws on stdout) and the user did not pass `--no-tui`. Everything else — CI,
 * pipes, redirected output — gets the plain lines.
 */
export function wantsTui(
  tui: boolean | undefined,
  streams: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } } = process,
): boolean {
  return tui !== false && Boolean(streams.stdin.isTTY) && Boolean(streams.stdout.isTTY);
}
