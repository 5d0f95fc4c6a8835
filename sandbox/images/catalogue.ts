import { UserError } from '../errors.js';
import { PACKAGE_ROOT, VERSION, templatePath } from '../version.js';

/**
 * Which images Rehearsal uses for the parts it provides. `official` (the default) uses the
 * upstream images a user's engine pulls (postgres:16, node:22-slim, …); `offline` uses images
 * built locally from Debian packages by `npm run images:offline`, for workshops, air-gapped sites
 * and CI, where no registry can be reached.
 */
export type ImageMode = 'official' | 'offline';

/** Reads `REHEARSAL_IMAGES` (official | offline). */
export function imageModeFromEnv(env: NodeJS.ProcessEnv = process.env): ImageMode {
  const value = (env.REHEARSAL_IMAGES ?? 'official').trim().toLowerCase();
  if (value === '' || value === 'official') return 'official';
  if (value === 'offline') return 'offline';
  throw new UserError(`REHEARSAL_IMAGES is "${env.REHEARSAL_IMAGES}", which is not an image mode`, {
    hint: 'Set REHEARSAL_IMAGES=official (pull upstream images) or REHEARSAL_IMAGES=offline (use images built by `npm run images:offline`), or unset it.',
  });
}

/** How to build an image from files Rehearsal ships. Paths in `files` are relative to `context`. */
export interface ImageBuild {
  tag: string;
  context: string;
  dockerfile: string;
  files: string[];
  buildArgs: Record<string, string>;
  /** Files to copy into a temporary context first: context-relative name → absolute source. */
  extraFiles?: Record<string, string>;
}

/** An image the sandbox needs: pulled when `build` is absent, built otherwise. */
export interface ImageRef {
  tag: string;
  build?: ImageBuild;
  /** Built only by `npm run images:offline` (the mode's base images): `up` says so when missing. */
  offlineBase?: boolean;
}

export const OFFLINE_DEBIAN = 'rehearsal-offline/debian:bookworm';

const OFFLINE = {
  node: 'rehearsal-offline/node:20',
  postgres: 'rehearsal-offline/postgres:15',
  redis: 'rehearsal-offline/redis:7',
  mariadb: 'rehearsal-offline/mariadb:10.11',
} as const;

type BaseName = keyof typeof OFFLINE;

function offlineBuild(name: BaseName): ImageBuild {
  const context = templatePath('offline', name);
  const build: ImageBuild = {
    tag: OFFLINE[name],
    context,
    dockerfile: 'Dockerfile',
    files: ['.'],
    buildArgs: { BASE_IMAGE: OFFLINE_DEBIAN },
  };
  // The offline node image is this machine's own node binary on Debian: nothing to download.
  if (name === 'node') build.extraFiles = { node: process.execPath };
  return build;
}

/** Every image `npm run images:offline` builds, in dependency order (after the Debian base). */
export function offlineBaseBuilds(): ImageBuild[] {
  return (Object.keys(OFFLINE) as BaseName[]).map(offlineBuild);
}

/** The Node.js runtime image the bundled programs run on. */
export function nodeImage(mode: ImageMode): string {
  return mode === 'offline' ? OFFLINE.node : 'node:22-slim';
}

/** The database image for a kind and version, in the given mode. */
export function databaseImage(
  kind: 'postgres' | 'mariadb' | 'redis',
  version: string | undefined,
  mode: ImageMode,
): ImageRef {
  if (mode === 'offline') return { tag: OFFLINE[kind], offlineBase: true };
  const defaults = { postgres: '16', mariadb: '11', redis: '7' } as const;
  return { tag: `${kind}:${version ?? defaults[kind]}` };
}

export const REFERENCE_SERVICE_IMAGE = `rehearsal/reference-service:${VERSION}`;

/** The bundled reference service: built from templates/ over the mode's Node.js image. */
export function referenceServiceImage(mode: ImageMode): ImageRef {
  return {
    tag: REFERENCE_SERVICE_IMAGE,
    build: {
      tag: REFERENCE_SERVICE_IMAGE,
      context: PACKAGE_ROOT,
      dockerfile: 'templates/reference-service/Dockerfile',
      files: [
        'templates/reference-service/Dockerfile',
        'dist/reference-service/server.mjs',
        'templates/reference-service/smoke.mjs',
        'templates/reference-service/healthcheck.sh',
      ],
      buildArgs: { NODE_IMAGE: nodeImage(mode) },
    },
  };
}

export const RUNTIME_IMAGE = `rehearsal/runtime:${VERSION}`;

/**
 * Rehearsal's own runtime image: the proxy (and later the identity provider and collector)
 * as bundled programs over the mode's Node.js image; one entry point per container.
 */
export function runtimeImage(mode: ImageMode): ImageRef {
  return {
    tag: RUNTIME_IMAGE,
    build: {
      tag: RUNTIME_IMAGE,
      context: PACKAGE_ROOT,
      dockerfile: 'templates/runtime/Dockerfile',
      files: ['templates/runtime/Dockerfile', 'dist/runtime'],
      buildArgs: { NODE_IMAGE: nodeImage(mode) },
    },
  };
}

export const NOTES_SERVICE_IMAGE = `rehearsal/notes-service:${VERSION}`;

/**
 * The second reference service (Python, PostgreSQL; templates/notes-service): Debian's python3
 * and psycopg over python:3.12-slim, or over the offline Debian base.
 */
export function notesServiceImage(mode: ImageMode): ImageRef {
  return {
    tag: NOTES_SERVICE_IMAGE,
    build: {
      tag: NOTES_SERVICE_IMAGE,
      context: templatePath('notes-service'),
      dockerfile: 'Dockerfile',
      files: [
        'Dockerfile',
        'app.py',
        'store.py',
        'faults.py',
        'tracing.py',
        'smoke.py',
        'openapi.py',
      ],
      buildArgs: { BASE_IMAGE: mode === 'offline' ? OFFLINE_DEBIAN : 'python:3.12-slim' },
    },
  };
}

export const CDS_SERVICE_IMAGE = `rehearsal/cds-service:${VERSION}`;

/** The reference CDS Hooks service (templates/cds-service): one file over the mode's Node.js image. */
export function cdsServiceImage(mode: ImageMode): ImageRef {
  return {
    tag: CDS_SERVICE_IMAGE,
    build: {
      tag: CDS_SERVICE_IMAGE,
      context: templatePath('cds-service'),
      dockerfile: 'Dockerfile',
      files: ['Dockerfile', 'server.mjs'],
      buildArgs: { NODE_IMAGE: nodeImage(mode) },
    },
  };
}

/** Images Rehearsal knows how to build, by tag. */
export function knownBuild(tag: string, mode: ImageMode): ImageRef | undefined {
  if (tag === REFERENCE_SERVICE_IMAGE) return referenceServiceImage(mode);
  if (tag === NOTES_SERVICE_IMAGE) return notesServiceImage(mode);
  if (tag === CDS_SERVICE_IMAGE) return cdsServiceImage(mode);
  if (tag === RUNTIME_IMAGE) return runtimeImage(mode);
  return undefined;
}
