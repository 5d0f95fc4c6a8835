/**
 * Images through dockerode: pull, build and import, each following the engine's progress
 * stream, and an image's inspection in Rehearsal's terms.
 */

import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { UserError } from '../errors.js';
import type { ImageBuild } from '../images/catalogue.js';
import { stageBuildContext } from './build-context.js';
import { jsonLines } from './demux.js';
import type { ImageDetails, Progress } from './engine.js';

/** `docker pull`: a registry that cannot be reached is the user's to fix. */
export async function pullImage(
  docker: Docker,
  tag: string,
  onProgress: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<void> {
  let stream: Readable;
  try {
    stream = (await docker.pull(tag, signal ? { abortSignal: signal } : {})) as Readable;
  } catch (err) {
    throw new UserError(`cannot pull image ${tag}: ${(err as Error).message}`, {
      hint: 'Check the image name and your registry access (`docker login`), or build it locally. With no registry at all, set REHEARSAL_IMAGES=offline after `npm run images:offline`.',
      cause: err,
    });
  }
  await followProgress(stream, onProgress, `pull of ${tag}`);
}

/** `docker build` of `build.tag` from its staged context, with `labels` on the image. */
export async function buildImage(
  docker: Docker,
  build: ImageBuild,
  onProgress: (p: Progress) => void,
  signal: AbortSignal | undefined,
  labels: Record<string, string>,
): Promise<void> {
  const { context, files, cleanup } = await stageBuildContext(build);
  try {
    const stream = (await docker.buildImage(
      { context, src: files },
      {
        t: build.tag,
        dockerfile: build.dockerfile,
        buildargs: build.buildArgs,
        labels,
        rm: true,
        ...(signal ? { abortSignal: signal } : {}),
      },
    )) as Readable;
    await followProgress(stream, onProgress, `build of ${build.tag}`);
  } finally {
    await cleanup();
  }
}

/** `docker import` of a root filesystem tarball as `tag`. */
export async function importImage(
  docker: Docker,
  tag: string,
  tarball: NodeJS.ReadableStream,
): Promise<void> {
  const [repo, version] = splitTag(tag);
  const stream = (await docker.importImage(tarball, { repo, tag: version })) as Readable;
  await followProgress(stream, () => undefined, `import of ${tag}`);
}

/** An image's inspection in Rehearsal's terms. */
export function imageDetailsFrom(i: Docker.ImageInspectInfo): ImageDetails {
  const cfg = i.Config ?? ({} as Docker.ImageInspectInfo['Config']);
  const health = (cfg as { Healthcheck?: { Test?: string[] } }).Healthcheck;
  return {
    id: i.Id,
    architecture: i.Architecture,
    os: i.Os,
    sizeBytes: i.Size,
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}).map((p) => Number.parseInt(p, 10)),
    env: cfg.Env ?? [],
    user: cfg.User ?? '',
    entrypoint: asArray(cfg.Entrypoint),
    cmd: asArray(cfg.Cmd),
    ...(health?.Test ? { healthcheck: health.Test } : {}),
    ...(cfg.Labels && Object.keys(cfg.Labels).length > 0 ? { labels: cfg.Labels } : {}),
    volumes: Object.keys((cfg as { Volumes?: Record<string, unknown> | null }).Volumes ?? {}),
  };
}

function asArray(v: string | string[] | undefined | null): string[] {
  if (!v) return [];
  return Array.isArray(v) ? v : [v];
}

function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(':');
  return at > tag.lastIndexOf('/') ? [tag.slice(0, at), tag.slice(at + 1)] : [tag, 'latest'];
}

/** Reads a pull/build/import progress stream; a failure reported inside the stream throws. */
async function followProgress(
  stream: Readable,
  onProgress: (p: Progress) => void,
  what: string,
): Promise<void> {
  const tail: string[] = [];
  for await (const raw of jsonLines(stream)) {
    const e = raw as {
      status?: string;
      stream?: string;
      id?: string;
      error?: string;
      errorDetail?: { message?: string };
      progressDetail?: { current?: number; total?: number };
    };
    if (e.error || e.errorDetail) {
      const message = e.errorDetail?.message ?? e.error ?? 'unknown error';
      throw new UserError(
        `the ${what} failed: ${message}${tail.length ? `\nLast output:\n  ${tail.join('\n  ')}` : ''}`,
        {
          hint: "Read the output above: it is the engine's own. Fix the Dockerfile or the image name and run again.",
        },
      );
    }
    const status = (e.stream ?? e.status ?? '').trimEnd();
    if (!status) continue;
    tail.push(status);
    if (tail.length > 8) tail.shift();
    onProgress({
      ...(e.id ? { id: e.id } : {}),
      status,
      ...(e.progressDetail?.current !== undefined ? { current: e.progressDetail.current } : {}),
      ...(e.progressDetail?.total !== undefined ? { total: e.progressDetail.total } : {}),
    });
  }
}
