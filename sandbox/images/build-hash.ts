import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ImageBuild } from './catalogue.js';

/** The image label that records what an image was built from. */
export const BUILD_HASH_LABEL = 'dev.rehearsal.build-hash';

async function walk(dir: string, root: string, out: string[]): Promise<void> {
  const s = await stat(dir);
  if (!s.isDirectory()) {
    out.push(relative(root, dir));
    return;
  }
  for (const child of (await readdir(dir)).sort()) await walk(join(dir, child), root, out);
}

/**
 * A digest of everything an image is built from: Dockerfile, build arguments and the bytes of
 * every file in its context. Images keep their readable tags (the reference declaration names
 * `rehearsal/reference-service:<version>`), so this digest, stored as a label, is what tells a
 * current image from one built by an older checkout.
 */
export async function buildHash(build: ImageBuild): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ dockerfile: build.dockerfile, args: build.buildArgs }));
  const files: string[] = [];
  for (const entry of build.files) {
    try {
      await walk(join(build.context, entry), build.context, files);
    } catch {
      h.update(`missing:${entry}`); // The build itself reports a missing file, with a hint.
    }
  }
  for (const f of files.sort()) {
    h.update(`\0${f}\0`);
    h.update(await readFile(join(build.context, f)));
  }
  for (const [name, source] of Object.entries(build.extraFiles ?? {})) {
    // Large binaries (the node executable): their size and time stand for their bytes.
    const s = await stat(source);
    h.update(`\0${name}\0${s.size}:${s.mtimeMs}`);
  }
  return h.digest('hex').slice(0, 16);
}
