import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BugError, UserError } from '../errors.js';

/** One file of an export, relative to its output folder. */
export interface ExportFile {
  path: string;
  text: string;
  mode: number;
}

/**
 * Writes an export's files into `dir` all at once: they go to a temporary folder beside it, which
 * then takes its place, so an interrupted export never leaves a half-written folder. A folder
 * that already holds files is replaced only with `force`.
 */
export async function writeExportDir(
  dir: string,
  files: ExportFile[],
  options: { force?: boolean } = {},
): Promise<void> {
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.path)) throw new BugError(`the export has two files named ${f.path}`);
    names.add(f.path);
  }
  const existing = await entries(dir);
  if (existing === 'file') {
    throw new UserError(`${dir} is a file, not a folder`, {
      hint: 'Choose a folder for --output.',
    });
  }
  if (existing !== 'absent' && existing.length > 0 && !options.force) {
    throw new UserError(`${dir} is not empty (${existing.length} entries)`, {
      hint: 'Pass --force to replace its contents, or choose another --output.',
    });
  }
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.tmp-`));
  const old = `${tmp}-old`;
  try {
    for (const f of files) await writeFile(join(tmp, f.path), f.text, { mode: f.mode });
    // mkdtemp makes the folder private; the export is an ordinary folder (Secrets are 0600 inside).
    await chmod(tmp, 0o755);
    if (existing !== 'absent') await rename(dir, old);
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

/** Writes one file through a temporary name; an existing non-empty file is replaced only with `force`. */
export async function writeExportFile(
  file: string,
  text: string,
  options: { force?: boolean; mode?: number } = {},
): Promise<void> {
  const size = await stat(file).then(
    (s) => (s.isDirectory() ? -1 : s.size),
    () => 0,
  );
  if (size === -1) {
    throw new UserError(`${file} is a folder`, { hint: 'Name a file for --output.' });
  }
  if (size > 0 && !options.force) {
    throw new UserError(`${file} already exists`, {
      hint: 'Pass --force to replace it, or choose another --output.',
    });
  }
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text, { mode: options.mode ?? 0o644 });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function entries(dir: string): Promise<string[] | 'absent' | 'file'> {
  try {
    return await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') return 'file';
    throw new UserError(`${dir} cannot be read`, {
      hint: 'Check its permissions, or choose another --output.',
      cause: err,
    });
  }
}
