import type { Engine } from '../engine/engine.js';
import { AbortedError, UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { BUILD_HASH_LABEL, buildHash } from '../images/build-hash.js';
import type { ImageRef } from '../images/catalogue.js';
import type { Plan } from '../plan/types.js';

/** Makes sure every image of the plan is on the engine, each once; Ctrl-C stops between them. */
export async function ensureImages(
  engine: Engine,
  plan: Plan,
  emit: Emit,
  signal?: AbortSignal,
): Promise<void> {
  const seen = new Set<string>();
  for (const s of plan.services) {
    if (seen.has(s.image.tag)) continue;
    seen.add(s.image.tag);
    if (signal?.aborted) throw new AbortedError();
    await ensureImage(engine, s.image, emit, signal);
  }
}

/**
 * Makes sure an image is on the engine: present, else built from templates/ when Rehearsal
 * ships it, else pulled. An image Rehearsal builds is rebuilt when what it is built from changed
 * (a new checkout, another Node.js base), told by its build-hash label. Offline base images are
 * never pulled: their absence is explained.
 */
export async function ensureImage(
  engine: Engine,
  image: ImageRef,
  emit: Emit,
  signal?: AbortSignal,
  options: { force?: boolean } = {},
): Promise<void> {
  const start = Date.now();
  const build = image.build;
  const hash = build ? await buildHash(build) : undefined;
  if (!options.force && (await engine.imageExists(image.tag))) {
    const current =
      !hash || (await engine.inspectImage(image.tag)).labels?.[BUILD_HASH_LABEL] === hash;
    if (current) {
      emit({ type: 'image.ready', image: image.tag, action: 'present', ms: Date.now() - start });
      return;
    }
  }
  if (image.offlineBase && !build) {
    throw new UserError(`the offline image ${image.tag} is not built on this engine`, {
      hint: 'Run `npm run images:offline` in the Rehearsal folder (it builds every offline image from Debian packages), or unset REHEARSAL_IMAGES to pull official images.',
    });
  }
  if (build && hash) {
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
      { [BUILD_HASH_LABEL]: hash },
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
