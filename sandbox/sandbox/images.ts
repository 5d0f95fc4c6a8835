import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import type { ImageRef } from '../images/catalogue.js';

/**
 * Makes sure an image is on the engine: present, else built from templates/ when Rehearsal
 * ships it, else pulled. Offline base images are never pulled: their absence is explained.
 */
export async function ensureImage(
  engine: Engine,
  image: ImageRef,
  emit: Emit,
  signal?: AbortSignal,
): Promise<void> {
  const start = Date.now();
  if (await engine.imageExists(image.tag)) {
    emit({ type: 'image.ready', image: image.tag, action: 'present', ms: Date.now() - start });
    return;
  }
  if (image.offlineBase) {
    throw new UserError(`the offline image ${image.tag} is not built on this engine`, {
      hint: 'Run `npm run images:offline` in the Rehearsal folder (it builds every offline image from Debian packages), or unset REHEARSAL_IMAGES to pull official images.',
    });
  }
  const build = image.build;
  if (build) {
    for (const arg of Object.values(build.buildArgs)) {
      if (arg.startsWith('rehearsal-offline/') && !(await engine.imageExists(arg))) {
        throw new UserError(
          `building ${image.tag} needs the offline image ${arg}, which is not built`,
          {
            hint: 'Run `npm run images:offline` first.',
          },
        );
      }
    }
    await engine.buildImage(
      build,
      (p) => emit({ type: 'image.progress', image: image.tag, action: 'build', ...p }),
      signal,
    );
    emit({ type: 'image.ready', image: image.tag, action: 'built', ms: Date.now() - start });
    return;
  }
  await engine.pullImage(
    image.tag,
    (p) => emit({ type: 'image.progress', image: image.tag, action: 'pull', ...p }),
    signal,
  );
  emit({ type: 'image.ready', image: image.tag, action: 'pulled', ms: Date.now() - start });
}
