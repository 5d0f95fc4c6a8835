/**
 * Where Rehearsal keeps per-user state that outlives a sandbox (the local CA): one directory per
 * user, following each platform's convention, overridable with `REHEARSAL_CONFIG_DIR`.
 */
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';

/** The environment variables and host facts the lookup depends on (injectable for tests). */
export interface ConfigDirHost {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

/**
 * Rehearsal's per-user configuration directory: `REHEARSAL_CONFIG_DIR` if set; otherwise
 * `$XDG_CONFIG_HOME/rehearsal` or `~/.config/rehearsal` on Linux and other Unixes,
 * `~/Library/Application Support/rehearsal` on macOS, `%APPDATA%\rehearsal` on Windows.
 */
export function rehearsalConfigDir(
  host: ConfigDirHost = { env: process.env, platform: process.platform, home: homedir() },
): string {
  const { env, platform, home } = host;
  const override = env.REHEARSAL_CONFIG_DIR;
  if (override !== undefined && override !== '') return override;
  if (platform === 'win32') {
    return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), 'rehearsal');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'rehearsal');
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg.startsWith('/')) return posix.join(xdg, 'rehearsal');
  return posix.join(home, '.config', 'rehearsal');
}

/** The local CA's directory: `<config dir>/ca`. */
export function defaultCaDir(): string {
  return join(rehearsalConfigDir(), 'ca');
}
