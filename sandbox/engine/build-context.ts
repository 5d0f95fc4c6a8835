/** The build context of an image: the files `docker build` is sent, staged when it needs extra ones. */

import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { UserError } from '../errors.js';
import type { ImageBuild } from '../images/catalogue.js';

/** The files an image build sends to the engine, and where they are read from. */
export interface BuildContext {
  context: string;
  /** Context-relative paths of every file sent (directories expanded). */
  files: string[];
  /** Removes the temporary copy when extra files needed one. */
  cleanup(): Promise<void>;
}

/**
 * The build context of an image: its declared files, and its extra files beside them. Extra
 * files live elsewhere on disk, so the context is then copied into a temporary folder.
 */
export async function stageBuildContext(build: ImageBuild): Promise<BuildContext> {
  const temp = build.extraFiles ? await mkdtemp(join(tmpdir(), 'rehearsal-build-')) : undefined;
  const cleanup = async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
  };
  try {
    let context = build.context;
    let files = await expandFiles(build.context, build.files);
    if (temp) {
      for (const f of files) await cp(join(build.context, f), join(temp, f), { recursive: true });
      for (const [name, source] of Object.entries(build.extraFiles ?? {})) {
        await cp(source, join(temp, name));
        files.push(name);
      }
      context = temp;
      files = [...new Set(files)];
    }
    return { context, files, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Every file under the given context-relative paths (directories walked), relative to context. */
async function expandFiles(context: string, entries: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(abs: string): Promise<void> {
    if ((await stat(abs)).isDirectory()) {
      for (const child of await readdir(abs)) await walk(join(abs, child));
    } else {
      out.push(relative(context, abs));
    }
  }
  for (const e of entries) {
    try {
      await walk(join(context, e));
    } catch (cause) {
      throw new UserError(`the build of an image needs ${join(context, e)}, which is missing`, {
        hint: 'Run `npm run build` in the Rehearsal folder first (it bundles the programs that go into images).',
        cause,
      });
    }
  }
  return out;
}
