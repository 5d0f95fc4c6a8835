/**
 * The CA's files on disk and how they are written: a new CA is assembled in a temporary sibling
 * directory and renamed into place in one step, so a crash leaves either no CA or a whole one;
 * a renewed intermediate replaces its two files by rename, key first (a key that does not match
 * its certificate is detected on load and the intermediate is simply issued again).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../base/user-error.js';

/** Paths of the four files of a local CA. */
export interface CaPaths {
  dir: string;
  root: string;
  rootKey: string;
  intermediate: string;
  intermediateKey: string;
}

/** The contents of the four files (PEM). */
export interface CaFiles {
  root: string;
  rootKey: string;
  intermediate: string;
  intermediateKey: string;
}

const NAMES: Record<keyof CaFiles, string> = {
  root: 'root.pem',
  rootKey: 'root-key.pem',
  intermediate: 'intermediate.pem',
  intermediateKey: 'intermediate-key.pem',
};
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const DIR_MODE = 0o700;
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The file paths of the CA in `dir`. */
export function caPaths(dir: string): CaPaths {
  return {
    dir,
    root: join(dir, NAMES.root),
    rootKey: join(dir, NAMES.rootKey),
    intermediate: join(dir, NAMES.intermediate),
    intermediateKey: join(dir, NAMES.intermediateKey),
  };
}

function modeOf(file: keyof CaFiles): number {
  return file === 'rootKey' || file === 'intermediateKey' ? KEY_MODE : CERT_MODE;
}

/** Whether `dir` exists at all (a CA, whole or damaged, lives there). */
export async function caDirExists(dir: string): Promise<boolean> {
  return (await statIfExists(dir)) !== undefined;
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  return stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/**
 * Reads the four files; a missing one is `undefined`. Tightens key and directory modes that
 * someone loosened (a copied or restored CA), since the keys can sign for this user's browser.
 */
export async function readCaFiles(paths: CaPaths): Promise<Partial<CaFiles>> {
  try {
    return await readAndTighten(paths);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    // Typically a CA first created under `sudo` with the user's HOME: root owns it now.
    throw new UserError(`cannot read or secure the local CA in ${paths.dir} (${code})`, {
      hint: `give it back to yourself: sudo chown -R "$(id -un)" ${JSON.stringify(paths.dir)}`,
      cause: e,
    });
  }
}

async function readAndTighten(paths: CaPaths): Promise<Partial<CaFiles>> {
  const out: Partial<CaFiles> = {};
  for (const file of Object.keys(NAMES) as (keyof CaFiles)[]) {
    const text = await readFile(paths[file], 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (text === undefined) continue;
    out[file] = text;
    if (modeOf(file) === KEY_MODE && process.platform !== 'win32') {
      await chmod(paths[file], KEY_MODE);
    }
  }
  if (process.platform !== 'win32') await chmod(paths.dir, DIR_MODE);
  return out;
}

/**
 * Writes a whole new CA into `dir`, which must not exist. Returns false when another process
 * created `dir` first (the caller then loads that one).
 */
export async function createCaDir(dir: string, files: CaFiles): Promise<boolean> {
  await mkdir(dirname(dir), { recursive: true, mode: DIR_MODE });
  const prefix = `.${basename(dir)}.tmp-`;
  await removeStaleTemps(dirname(dir), prefix);
  const temp = join(dirname(dir), `${prefix}${randomBytes(6).toString('hex')}`);
  await mkdir(temp, { mode: DIR_MODE });
  try {
    for (const file of Object.keys(NAMES) as (keyof CaFiles)[]) {
      await writeFile(join(temp, NAMES[file]), files[file], { mode: modeOf(file), flag: 'wx' });
    }
    await rename(temp, dir);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') {
      // EPERM: Windows refuses to rename onto an existing directory.
      if (await caDirExists(dir)) return false;
    }
    throw e;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * A process killed while assembling a CA leaves its temporary directory (with keys in it) behind;
 * one older than an hour cannot belong to a process still at work.
 */
async function removeStaleTemps(parent: string, prefix: string): Promise<void> {
  const cutoff = Date.now() - STALE_TEMP_MS;
  for (const name of await readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    // Another process may be removing the same leftover right now.
    const info = await statIfExists(join(parent, name));
    if (info !== undefined && info.mtimeMs < cutoff)
      await rm(join(parent, name), { recursive: true, force: true });
  }
}

/** Replaces the intermediate's key and certificate, each by write-to-temp and rename. */
export async function replaceIntermediate(
  paths: CaPaths,
  certPem: string,
  keyPem: string,
): Promise<void> {
  await replaceFile(paths.intermediateKey, keyPem, KEY_MODE);
  await replaceFile(paths.intermediate, certPem, CERT_MODE);
}

async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, text, { mode, flag: 'wx' });
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}
