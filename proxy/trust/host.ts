/**
 * Everything the trust functions need from the machine, behind one interface so that tests can
 * pretend to be macOS without root and a dry run can be checked without touching a store.
 */
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { Command } from './command.js';

/** The outcome of a finished command (a non-zero exit is an outcome, not an exception). */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The machine as the trust functions see it. */
export interface TrustHost {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
  /** root on Linux/macOS, an elevated process on Windows. */
  isAdmin(): Promise<boolean>;
  /** The full path of a program on PATH, or undefined. */
  which(name: string): Promise<string | undefined>;
  run(cmd: Command): Promise<RunResult>;
  /** A file's text, or undefined when it does not exist or cannot be read. */
  readText(path: string): Promise<string | undefined>;
  /** The entries of a directory, or [] when it does not exist. */
  list(path: string): Promise<string[]>;
  /** Whether a file or directory exists. */
  exists(path: string): Promise<boolean>;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The real machine. Commands run through execa, killed if Rehearsal exits first. */
export function systemTrustHost(): TrustHost {
  const platform = process.platform;
  const env = process.env;
  const host: TrustHost = {
    platform,
    home: homedir(),
    env,
    async isAdmin() {
      if (platform !== 'win32') return process.getuid?.() === 0;
      // `net session` needs elevation and changes nothing: the usual probe.
      return (await host.run({ file: 'net', args: ['session'] })).exitCode === 0;
    },
    async which(name) {
      const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
      for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
        for (const ext of exts) {
          if (await isExecutable(join(dir, name + ext))) return join(dir, name + ext);
        }
      }
      return undefined;
    },
    async run(cmd) {
      const result = await execa(cmd.file, cmd.args, {
        reject: false,
        cleanup: true,
        forceKillAfterDelay: 5_000,
        timeout: 120_000,
        stdin: 'ignore',
      });
      if (result.exitCode === undefined) {
        // Not started (ENOENT) or killed: report it as a failure with execa's short message.
        return {
          exitCode: -1,
          stdout: result.stdout ?? '',
          stderr: result.shortMessage ?? result.stderr ?? '',
        };
      }
      return {
        exitCode: result.exitCode,
        stdout: result.stdout ?? '',
        stderr: result.stderr ?? '',
      };
    },
    async readText(path) {
      return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') return undefined;
        throw e;
      });
    },
    async list(path) {
      return readdir(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EACCES') return [];
        throw e;
      });
    },
    async exists(path) {
      return access(path).then(
        () => true,
        () => false,
      );
    },
  };
  return host;
}
