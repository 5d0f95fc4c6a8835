import { access, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Proposal } from './propose.js';

/** The proposal's files that already exist in `dir`. */
export async function existingFiles(dir: string, proposal: Proposal): Promise<string[]> {
  const found: string[] = [];
  for (const name of Object.keys(proposal.files)) {
    try {
      await access(join(dir, name));
      found.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return found;
}

/**
 * Writes the proposal's files into `dir`, each atomically (a temporary file, then a rename), so
 * an interrupted `init` never leaves half a file. Without `force` an existing file is never
 * replaced: the check happens before anything is written, and the final step is a hard link that
 * fails if the name appeared meanwhile. Returns the paths written.
 *
 * @throws UserError when a file exists and `force` is not set.
 */
export async function writeProposal(
  dir: string,
  proposal: Proposal,
  options: { force: boolean },
): Promise<string[]> {
  const present = options.force ? [] : await existingFiles(dir, proposal);
  if (present.length > 0) throw existsError(dir, present);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of Object.entries(proposal.files)) {
    const target = join(dir, name);
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, text);
      if (options.force) await rename(tmp, target);
      else {
        try {
          await link(tmp, target);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(dir, [name]);
          throw err;
        }
      }
    } finally {
      await rm(tmp, { force: true });
    }
    written.push(target);
  }
  return written;
}

function existsError(dir: string, names: string[]): UserError {
  return new UserError(
    `${names.join(' and ')} already ${names.length === 1 ? 'exists' : 'exist'} in ${dir}`,
    {
      hint: 'Pass `--force` to replace them, or run init in another folder (`--dir`).',
    },
  );
}
