/** Shared by the local CA tests: temp CA directories and the real `openssl` binary. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** A fresh, empty Rehearsal config dir under the OS temp dir. */
export function tempConfigDir(): string {
  return mkdtempSync(join(tmpdir(), 'rh-ca-'));
}

/** Writes `text` to a new file in `dir` and returns its path. */
export function writeTemp(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `openssl` and returns its exit code and combined output. */
export async function openssl(args: string[]): Promise<{ exitCode: number; output: string }> {
  const r = await execa('openssl', args, { reject: false, all: true, stdin: 'ignore' });
  return { exitCode: r.exitCode ?? -1, output: String(r.all) };
}

/** `openssl verify -CAfile root -untrusted intermediate leaf` (plus extra flags). */
export function verifyChain(
  root: string,
  intermediate: string,
  leaf: string,
  extra: string[] = [],
) {
  return openssl(['verify', ...extra, '-CAfile', root, '-untrusted', intermediate, leaf]);
}
