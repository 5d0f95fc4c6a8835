import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli.js';

/**
 * A copy of `from` whose image config says it was built for another CPU architecture (its
 * binaries stay x86-64, so it still runs here): `docker save`, the config rewritten under its
 * new digest, `docker load` as `to`. What an image built only for arm64 looks like to the engine.
 */
export function imageWithArchitecture(from: string, to: string, architecture: string): void {
  const t = tempDir('rehearsal-arch-');
  try {
    const dir = join(t.dir, 'image');
    mkdirSync(dir);
    execFileSync('sh', ['-c', `docker save "$0" | tar -x -C "$1"`, from, dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      Config: string;
      RepoTags: string[];
    }[];
    const entry = manifest[0]!;
    const config = JSON.parse(readFileSync(join(dir, entry.Config), 'utf8')) as Record<
      string,
      unknown
    >;
    const text = JSON.stringify({ ...config, architecture, variant: undefined });
    const name = `${createHash('sha256').update(text).digest('hex')}.json`;
    rmSync(join(dir, entry.Config));
    writeFileSync(join(dir, name), text);
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify([{ ...entry, Config: name, RepoTags: [to] }]),
    );
    rmSync(join(dir, 'repositories'), { force: true });
    execFileSync('sh', ['-c', 'tar -c -C "$0" . | docker load -q', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    t.remove();
  }
}
