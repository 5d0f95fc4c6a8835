import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emit } from '../events.js';
import { boundFiles } from '../plan/bind-files.js';
import { composeYaml } from '../plan/compose.js';
import type { Plan } from '../plan/types.js';
import { writeEdgeFiles } from './edge-files.js';
import { writeIdpFiles } from './idp-files.js';
import { readSecrets, STATE_FILES, writeAtomic } from './state.js';

/** What `rehearsal plan -o` wrote, and what a compose run still needs beside it (if anything). */
export interface PlanOutput {
  written: string[];
  /** Set when only the compose file was written: the files and secrets it refers to. */
  missing?: { env: string[]; files: string[] };
}

/** `plan -o` names a folder unless the path ends in `.yaml` or `.yml`. */
export function isComposeFilePath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * `rehearsal plan -o DIR`: everything `docker compose -p <sandbox> -f DIR/compose.yaml up -d
 * --wait` needs, in the layout of a sandbox's state folder — compose.yaml, a `.env` with the
 * secrets (0600; values already in DIR/.env are kept, so a database volume stays usable), the
 * CA files, and the TLS edge's and the IdP's files with the modes their bind mounts need
 * (plan/bind-files.ts). No Docker is needed; the local CA is created on first use.
 */
export async function writePlanFolder(plan: Plan, dir: string, emit: Emit): Promise<PlanOutput> {
  const kept = await readSecrets(dir);
  const secrets = Object.fromEntries(
    Object.entries(plan.secrets).map(([k, v]) => [k, kept[k] ?? v]),
  );
  const folder: Plan = { ...plan, stateDir: dir, secrets };
  await mkdir(dir, { recursive: true });
  const compose = join(dir, STATE_FILES.compose);
  const env = join(dir, STATE_FILES.env);
  await writeAtomic(compose, composeYaml(folder));
  const lines = Object.entries(secrets).map(([k, v]) => `${k}=${v}\n`);
  await writeAtomic(env, lines.join(''), 0o600);
  await writeEdgeFiles(folder, emit);
  await writeIdpFiles(folder);
  return { written: [compose, env, ...boundFiles(plan).map((f) => join(dir, f))] };
}

/**
 * `rehearsal plan -o FILE.yaml`: the compose file alone, as before; it says what it lacks for a
 * compose run (the `.env` and the files it bind-mounts), which `plan -o DIR` would write.
 */
export async function writePlanFile(plan: Plan, file: string): Promise<PlanOutput> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, composeYaml(plan));
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
  const missing = { env: Object.keys(plan.secrets), files: boundFiles(plan) };
  return {
    written: [file],
    ...(missing.env.length + missing.files.length > 0 ? { missing } : {}),
  };
}
