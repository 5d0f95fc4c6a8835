import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { ensureImage } from '../sandbox/images.js';
import {
  OFFLINE_DEBIAN,
  notesServiceImage,
  cdsServiceImage,
  offlineBaseBuilds,
  referenceServiceImage,
  runtimeImage,
} from './catalogue.js';

export interface OfflineBuildOptions {
  engine: Engine;
  emit: Emit;
  signal?: AbortSignal;
  /** Rebuild images that already exist. */
  force?: boolean;
}

/**
 * Builds every image the demo and the tests need without any registry: a Debian bookworm base
 * made with debootstrap from Debian's mirror, then Node.js, PostgreSQL, MariaDB and Redis on it
 * from Debian packages, then the reference services (the Patient API over the offline Node.js
 * image, the Python notes service over the Debian base).
 */
export async function buildOfflineImages(options: OfflineBuildOptions): Promise<string[]> {
  const { engine, emit, signal } = options;
  const built: string[] = [];
  if (options.force || !(await engine.imageExists(OFFLINE_DEBIAN))) {
    await importDebianBase(engine, emit, signal);
    built.push(OFFLINE_DEBIAN);
  } else {
    emit({ type: 'image.ready', image: OFFLINE_DEBIAN, action: 'present', ms: 0 });
  }
  for (const build of offlineBaseBuilds()) {
    // Base images are rebuilt only when asked: a Debian package update is not a reason to
    // invalidate every image a workshop prepared in advance.
    const present = await engine.imageExists(build.tag);
    await ensureImage(
      engine,
      { tag: build.tag, ...(present && !options.force ? {} : { build }) },
      emit,
      signal,
      {
        force: Boolean(options.force),
      },
    );
    built.push(build.tag);
  }
  // Rehearsal's own images carry this checkout's bundles: rebuilt whenever those changed.
  for (const image of [
    referenceServiceImage('offline'),
    notesServiceImage('offline'),
    cdsServiceImage('offline'),
    runtimeImage('offline'),
  ]) {
    await ensureImage(engine, image, emit, signal, { force: Boolean(options.force) });
    built.push(image.tag);
  }
  return built;
}

async function importDebianBase(engine: Engine, emit: Emit, signal?: AbortSignal): Promise<void> {
  const start = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'rehearsal-rootfs-'));
  try {
    emit({
      type: 'image.progress',
      image: OFFLINE_DEBIAN,
      action: 'build',
      status: 'debootstrap --variant=minbase bookworm',
    });
    try {
      await execa('debootstrap', ['--variant=minbase', 'bookworm', join(dir, 'root')], {
        ...(signal ? { cancelSignal: signal } : {}),
        forceKillAfterDelay: 5000,
        cleanup: true,
      });
    } catch (cause) {
      const e = cause as { code?: string; stderr?: string; shortMessage?: string };
      throw new UserError(
        e.code === 'ENOENT'
          ? 'debootstrap is not installed, and it is needed to make the offline Debian base image'
          : `debootstrap failed: ${e.shortMessage ?? String(cause)}\n${(e.stderr ?? '').split('\n').slice(-5).join('\n')}`,
        {
          hint:
            "Install it (`sudo apt-get install debootstrap`; it needs root and Debian's mirror), or load a base image named " +
            OFFLINE_DEBIAN +
            ' with `docker load`.',
          cause,
        },
      );
    }
    emit({
      type: 'image.progress',
      image: OFFLINE_DEBIAN,
      action: 'build',
      status: 'importing the root filesystem',
    });
    const tar = execa('tar', ['-C', join(dir, 'root'), '-c', '.'], {
      buffer: false,
      cleanup: true,
    });
    await Promise.all([engine.importImage(OFFLINE_DEBIAN, tar.stdout), tar]);
    emit({ type: 'image.ready', image: OFFLINE_DEBIAN, action: 'built', ms: Date.now() - start });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
