/** A pretend machine for the trust tests: chosen platform, tools, files and command results. */
import { posix } from 'node:path';
import {
  formatCommand,
  type Command,
  type RunResult,
  type TrustHost,
} from '../../../proxy/trust/index.js';

export interface FakeHostOptions {
  platform: NodeJS.Platform;
  home?: string;
  /** Programs on PATH. */
  tools?: string[];
  /** Files that exist, with their text. */
  files?: Record<string, string>;
  /** Directories that exist (parents of files exist implicitly). */
  dirs?: string[];
  admin?: boolean;
  /** Result of a command; default: exit 0, no output. */
  run?: (cmd: Command, text: string) => Partial<RunResult> | undefined;
}

export interface FakeHost extends TrustHost {
  /** Every command run, as text. */
  ran: string[];
}

export function fakeHost(options: FakeHostOptions): FakeHost {
  const files = options.files ?? {};
  const paths = new Set<string>(options.dirs ?? []);
  for (const file of [...Object.keys(files), ...(options.dirs ?? [])]) {
    paths.add(file);
    for (let dir = posix.dirname(file); dir !== '/' && dir !== '.'; dir = posix.dirname(dir)) {
      paths.add(dir);
    }
  }
  const ran: string[] = [];
  return {
    ran,
    platform: options.platform,
    home: options.home ?? '/home/u',
    env: {},
    isAdmin: async () => options.admin ?? false,
    which: async (name) => ((options.tools ?? []).includes(name) ? `/usr/bin/${name}` : undefined),
    run: async (cmd) => {
      const text = formatCommand(cmd, options.platform);
      ran.push(text);
      return { exitCode: 0, stdout: '', stderr: '', ...options.run?.(cmd, text) };
    },
    readText: async (path) => files[path],
    list: async (dir) =>
      [...paths].filter((p) => posix.dirname(p) === dir).map((p) => posix.basename(p)),
    exists: async (path) => paths.has(path),
  };
}
