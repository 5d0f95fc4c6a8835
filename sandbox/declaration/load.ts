import { access } from 'node:fs/promises';
import path from 'node:path';
import { BugError, UserError, ValidationError } from '../errors.js';
import type { LoadedDeclaration } from './types.js';
import { Fields } from './fields.js';
import { readInput } from './input-file.js';
import { parseJsonSource } from './json-source.js';
import { readMarketplace } from './marketplace.js';
import { mergeOverlay } from './merge.js';
import { checkOfficialSchema } from './official-schema.js';
import { readOverlay } from './overlay.js';
import { TASK_EXAMPLE } from './overlay-schema.js';
import { respell } from './spelling.js';
import { Problems } from './problems.js';

export interface LoadOptions {
  /** Path of marketplace.json, relative to `cwd`. */
  file: string;
  /** Path of the overlay; by default rehearsal.yaml (or .yml) beside the declaration, if present. */
  overlayFile?: string;
  /** Directory relative paths start from; defaults to the process's. */
  cwd?: string;
}

/**
 * Reads, validates and merges a marketplace.json and its optional rehearsal.yaml overlay.
 *
 * @throws UserError when a file is missing or unreadable (nothing to validate).
 * @throws ValidationError carrying every problem found, errors and warnings, when any is an
 *   error; there is never a partial result.
 * @returns the declaration, overlay and merged per-task settings, with the warnings.
 */
export async function loadDeclaration(opts: LoadOptions): Promise<LoadedDeclaration> {
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, opts.file);
  const overlayFile =
    opts.overlayFile !== undefined
      ? path.resolve(cwd, opts.overlayFile)
      : await findOverlay(path.dirname(file));
  const problems = new Problems();

  const declInput = await readInput(file, 'declaration', problems);
  const overlayInput =
    overlayFile !== undefined
      ? await readInput(overlayFile, 'overlay', problems, { allowEmpty: true })
      : undefined;

  // The overlay goes first: its profile and configuration choice shape the declaration's checks.
  const parsed = readOverlay(overlayFile, overlayInput?.text, problems);
  const parsedJson =
    declInput.text !== undefined ? parseJsonSource(file, declInput.text, problems) : undefined;
  // Fields spelled as an earlier ballot spells them are read in their current spelling.
  const source =
    parsedJson?.value !== undefined ? respell(parsedJson.value, parsedJson, problems) : undefined;
  const fields = source && new Fields(source.source, problems);
  const content =
    source !== undefined && fields
      ? readMarketplace(source.value, fields, {
          profile: parsed.overlay.profile,
          fallbackName: path.basename(path.dirname(file)),
          ...(parsed.overlay.configuration !== undefined && parsed.configurationLocation
            ? {
                configuration: {
                  index: parsed.overlay.configuration,
                  location: parsed.configurationLocation,
                },
              }
            : {}),
        })
      : undefined;
  const declarationSound =
    content !== undefined &&
    source !== undefined &&
    !problems.list.some((p) => p.severity === 'error' && p.location.file === file);
  if (content && source) checkOfficialSchema(source.value, content.shape, source.source, problems);

  // Cross-file checks only make sense on two sound files; otherwise they echo earlier errors.
  const merged =
    declarationSound && parsed.usable && source
      ? mergeOverlay(content, source.source, parsed, problems)
      : undefined;
  // Overlay hints give an example task: this declaration's own, never a made-up one.
  const example = content?.tasks[0]?.name;
  if (example !== undefined)
    for (const p of problems.list) p.hint &&= p.hint.replaceAll(TASK_EXAMPLE, example);

  const ordered = problems.sorted([file, ...(overlayFile ? [overlayFile] : [])]);
  if (ordered.some((p) => p.severity === 'error') || !content || !merged) {
    // Every path that yields no result records an error first; anything else is our mistake.
    if (ordered.length === 0)
      throw new BugError(`loading ${file} produced neither a result nor a problem`);
    throw new ValidationError(ordered);
  }
  return {
    declaration: { file, sha256: declInput.sha256, ...content, tasks: merged.tasks },
    overlay: parsed.overlay,
    taskOverlays: merged.taskOverlays,
    warnings: ordered,
  };
}

async function findOverlay(dir: string): Promise<string | undefined> {
  for (const name of ['rehearsal.yaml', 'rehearsal.yml']) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate);
      return candidate;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new UserError(`cannot access ${candidate}`, {
          hint: 'check the file permissions',
          cause,
        });
    }
  }
  return undefined;
}
