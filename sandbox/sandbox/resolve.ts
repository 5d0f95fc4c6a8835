import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDeclaration } from '../declaration/index.js';
import type { LoadedDeclaration } from '../declaration/types.js';
import { UserError } from '../errors.js';
import type { ImageMode } from '../images/catalogue.js';
import { createPlan, sandboxIdFor } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { listStateDirs, readSecrets, readState } from './state.js';

export interface PlanRequest {
  file?: string;
  overlayFile?: string;
  cwd: string;
  imageMode: ImageMode;
  replicas?: number;
  env?: Record<string, string>;
  /** Host port of the TLS edge on 127.0.0.1 (default 8443, or REHEARSAL_PROXY_PORT). */
  proxyPort?: number;
  /** The sandbox's name (`-p`), instead of rehearsal.yaml's or the product's. */
  sandboxName?: string;
  /** Appended to the sandbox's id: `rehearsal check` runs its own sandbox next to `up`'s. */
  sandboxSuffix?: string;
}

export const DEFAULT_DECLARATION = 'marketplace.json';

/** Loads the declaration (default `./marketplace.json`) and plans it, keeping existing secrets. */
export async function planFromDeclaration(
  req: PlanRequest,
): Promise<{ plan: Plan; loaded: LoadedDeclaration }> {
  const file = req.file ?? DEFAULT_DECLARATION;
  if (!req.file && !existsSync(resolve(req.cwd, file))) throw noDeclaration(req.cwd);
  const loaded = await loadDeclaration({
    file,
    cwd: req.cwd,
    ...(req.overlayFile ? { overlayFile: req.overlayFile } : {}),
  });
  if (req.sandboxName) loaded.overlay.sandboxName = req.sandboxName;
  if (req.sandboxSuffix) loaded.overlay.sandboxName = `${sandboxIdFor(loaded)}${req.sandboxSuffix}`;
  const id = sandboxIdFor(loaded);
  const secrets = await readSecrets(resolve(req.cwd, '.rehearsal', id));
  const plan = createPlan(loaded, {
    cwd: req.cwd,
    imageMode: req.imageMode,
    secrets,
    ...(req.replicas !== undefined ? { replicas: req.replicas } : {}),
    ...(req.env ? { env: req.env } : {}),
    ...(proxyPort(req) !== undefined ? { proxyPort: proxyPort(req) } : {}),
  });
  return { plan, loaded };
}

function proxyPort(req: PlanRequest): number | undefined {
  if (req.proxyPort !== undefined) return req.proxyPort;
  const env = process.env.REHEARSAL_PROXY_PORT;
  if (env === undefined || env === '') return undefined;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UserError(`REHEARSAL_PROXY_PORT is "${env}", which is not a port`, {
      hint: 'Set it to a free port between 1 and 65535 (default 8443), or unset it.',
    });
  }
  return n;
}

/** The declaration to read: the one named, else `./marketplace.json`, which must exist. */
export function declarationFile(cwd: string, file: string | undefined): string {
  if (file) return file;
  if (!existsSync(resolve(cwd, DEFAULT_DECLARATION))) throw noDeclaration(cwd);
  return DEFAULT_DECLARATION;
}

/** Which existing sandbox: by name (`-p`), else by declaration, else the only one here. */
export interface ExistingRequest extends PlanRequest {
  sandbox?: string;
  /** Finds a named sandbox's state folder elsewhere (from the engine's labels). */
  locate?: (sandbox: string) => Promise<string | undefined>;
}

/**
 * No ./marketplace.json: the error, offering the Marketplace's `*.build.json` files when the
 * folder holds some (the name the Marketplace gives a build metadata file).
 */
export function noDeclaration(cwd: string): UserError {
  const builds = readdirSync(cwd, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.build.json'))
    .map((e) => e.name)
    .sort();
  const offer = builds.map((f) => `--file ${f}`).join(' or ');
  return new UserError(`there is no ${DEFAULT_DECLARATION} in ${cwd}`, {
    hint:
      builds.length > 0
        ? `Did you mean ${offer}?`
        : "Pass --file path/to/marketplace.json, run the command in your service's folder, or try `rehearsal demo`.",
  });
}

/**
 * The plan of an existing sandbox, for status/scale/logs/down: `-p NAME` (its state under
 * `./.rehearsal/`, else wherever the engine's labels say), else `--file`, else
 * `./marketplace.json`, else the only sandbox under `./.rehearsal/`.
 */
export async function existingPlan(req: ExistingRequest): Promise<Plan> {
  const plan = await findExistingPlan(req);
  if (plan) return plan;
  throw new UserError(`no sandbox named "${req.sandbox}" here or on the engine`, {
    hint: 'See the sandboxes on the engine with `rehearsal ls`; the name is the first column.',
  });
}

/** As `existingPlan`, but a named sandbox with no state anywhere gives `undefined`. */
export async function findExistingPlan(req: ExistingRequest): Promise<Plan | undefined> {
  if (req.sandbox) {
    const here = join(req.cwd, '.rehearsal', req.sandbox);
    if (existsSync(join(here, 'plan.json'))) return readState(here);
    const there = await req.locate?.(req.sandbox);
    return there ? readState(there) : undefined;
  }
  if (req.file || existsSync(resolve(req.cwd, DEFAULT_DECLARATION))) {
    const { plan } = await planFromDeclaration(req);
    if (existsSync(join(plan.stateDir, 'plan.json'))) {
      const saved = await readState(plan.stateDir);
      // The saved plan is what runs; the declaration may have changed since `up`.
      return saved;
    }
    return plan;
  }
  const ids = await listStateDirs(req.cwd);
  if (ids.length === 1 && ids[0]) return readState(join(req.cwd, '.rehearsal', ids[0]));
  if (ids.length === 0) {
    throw new UserError(`no sandbox found in ${req.cwd}`, {
      hint: 'Run `rehearsal up` (or `rehearsal demo`) here first, pass --file, or name one with -p (`rehearsal ls` lists them).',
    });
  }
  throw new UserError(
    `several sandboxes live in ${join(req.cwd, '.rehearsal')}: ${ids.join(', ')}`,
    {
      hint: 'Say which with -p <name>.',
    },
  );
}
