import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { ensureImage } from '../sandbox/images.js';
import { imageFacts, type ImageFacts } from './image-facts.js';

/**
 * Inspects the image `init` describes: pulled first when the engine lacks it (with the usual
 * `image.progress` events), then read into facts.
 *
 * @throws UserError when the reference is malformed or the image can be neither found nor pulled.
 */
export async function inspectForInit(
  engine: Engine,
  image: string,
  emit: Emit,
  signal?: AbortSignal,
): Promise<ImageFacts> {
  const tag = image.trim();
  if (!/^[\w][\w.\-/:@]*$/.test(tag)) {
    throw new UserError(`"${image}" is not an image reference`, {
      hint: 'Write it as name[:tag], e.g. vendor/service:1.2.0.',
    });
  }
  await ensureImage(engine, { tag }, emit, signal);
  return imageFacts(tag, await engine.inspectImage(tag));
}
