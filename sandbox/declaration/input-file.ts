import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { fileStart, type Problems } from './problems.js';

/** Larger files are refused before reading: a marketplace.json is a few kilobytes. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

export interface InputText {
  /** Decoded text, or undefined when the bytes are unusable (the problem is recorded). */
  text: string | undefined;
  /** sha256 (hex) of the raw bytes. */
  sha256: string;
}

/**
 * Reads an input file and decodes it as UTF-8. A missing or unreadable file throws `UserError`
 * (there is nothing to validate); oversize, binary, non-UTF-8 or (unless `allowEmpty`) empty
 * content is recorded in `problems` so it is reported like any other validation problem.
 */
export async function readInput(
  file: string,
  role: string,
  problems: Problems,
  options: { allowEmpty?: boolean } = {},
): Promise<InputText> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) {
      throw new UserError(`the ${role} path ${file} is a directory, not a file`, {
        hint: `pass the path of the ${role} file itself`,
      });
    }
    if (info.size > MAX_INPUT_BYTES) {
      const mib = (info.size / 1024 / 1024).toFixed(1);
      problems.error(
        fileStart(file),
        `the ${role} file is ${mib} MiB; the limit is 5 MiB`,
        `check that ${file} is the right file`,
      );
      return { text: undefined, sha256: '' };
    }
    bytes = await readFile(file);
  } catch (cause) {
    if (cause instanceof UserError) throw cause;
    throw notReadable(file, role, cause);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { text: decode(bytes, file, role, problems, options.allowEmpty ?? false), sha256 };
}

function notReadable(file: string, role: string, cause: unknown): UserError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UserError(`the ${role} file ${file} does not exist`, {
      hint: `check the path (relative paths start at the current directory), or create the file`,
      cause,
    });
  }
  return new UserError(`cannot read the ${role} file ${file} (${code ?? 'unknown error'})`, {
    hint: 'check the file permissions',
    cause,
  });
}

function decode(
  bytes: Buffer,
  file: string,
  role: string,
  problems: Problems,
  allowEmpty: boolean,
): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    problems.error(
      locate(bytes, file, nul),
      `the ${role} file contains binary data (a NUL byte)`,
      `${role} files are UTF-8 text; check that you passed the right file`,
    );
    return undefined;
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) {
    problems.error(
      locate(bytes, file, bad),
      `the ${role} file is not valid UTF-8`,
      'save the file as UTF-8',
    );
    return undefined;
  }
  // TextDecoder drops a leading BOM, which JSON parsers would otherwise reject.
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!allowEmpty && text.trim() === '') {
    problems.error(
      fileStart(file),
      `the ${role} file is empty`,
      'write the JSON object describing the product, starting with "{"',
    );
    return undefined;
  }
  return text;
}

/**
 * Byte offset of the first invalid UTF-8 sequence. Streaming decode of a prefix fails only on
 * bytes that are wrong already, never on a sequence cut short, so failure is monotonic in the
 * prefix length and a binary search finds the first bad byte with the built-in decoder.
 */
function firstInvalidUtf8(bytes: Buffer): number | undefined {
  const fails = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(bytes.length)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return undefined;
    } catch {
      return Math.max(0, bytes.length - 1); // a sequence truncated at the end of the file
    }
  }
  let lo = 1;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

function locate(bytes: Buffer, file: string, offset: number) {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.filter((b) => b === 0x0a).length + 1;
  const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).length + 1;
  return { file, line, column, pointer: '' };
}
