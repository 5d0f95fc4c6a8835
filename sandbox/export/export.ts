import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { LoadedDeclaration } from '../declaration/types.js';
import type { ImageMode } from '../images/catalogue.js';
import type { Plan } from '../plan/types.js';
import { planFromDeclaration, type PlanRequest } from '../sandbox/resolve.js';
import { standaloneComposeYaml } from './compose.js';
import { writeExportDir, writeExportFile } from './files.js';
import { kubernetesExport, type KubernetesExportOptions } from './kubernetes/kubernetes.js';
import { assertValidManifests } from './kubernetes/validate.js';
import { portablePlan } from './portable.js';

export interface ExportRequest extends Omit<PlanRequest, 'proxyPort'> {
  /** Replace a non-empty output folder or an existing file. */
  force?: boolean;
}

export interface ExportResult {
  plan: Plan;
  loaded: LoadedDeclaration;
  /** Absolute paths written. */
  written: string[];
  notes: string[];
}

/**
 * `rehearsal export kubernetes`: plans the declaration, builds the manifests, validates each one
 * against the pinned Kubernetes schema, and writes them with a kustomization into `output`.
 * Cluster images are always the official ones: offline images exist only on this machine.
 */
export async function exportKubernetes(
  req: ExportRequest & { output: string; kubernetes?: KubernetesExportOptions },
): Promise<ExportResult> {
  const { plan, loaded } = await planFromDeclaration({ ...req, imageMode: 'official' });
  const out = kubernetesExport(plan, req.kubernetes);
  await assertValidManifests(out.manifests);
  const dir = resolve(req.cwd, req.output);
  await writeExportDir(dir, out.files, { force: req.force ?? false });
  return { plan, loaded, written: out.files.map((f) => join(dir, f.path)), notes: out.notes };
}

/**
 * `rehearsal export compose`: the stand-alone compose file. With `output`, it is written there
 * and the secrets it refers to go into a `.env` beside it (mode 0600): missing keys are added,
 * values already there are kept. Without, the YAML is returned for stdout.
 */
export async function exportCompose(
  req: ExportRequest & { output?: string; imageMode: ImageMode },
): Promise<ExportResult & { yaml: string }> {
  const { plan, loaded } = await planFromDeclaration(req);
  const yaml = standaloneComposeYaml(plan);
  const portable = portablePlan(plan);
  // What the file lacks to run as written: required values, and the values the sandbox's own
  // identity provider or trace collector gave (left out: the platform brings its own).
  const notes = portable.unbound.map((u) =>
    plan.unbound.includes(u)
      ? `${u.service}: ${u.key} is required and has no value (${u.description}); pass --env ${u.key}=…`
      : `${u.service}: ${u.key} is left out (${u.description}); pass --env ${u.key}=…`,
  );
  const secrets = portable.secrets;
  if (!req.output) {
    if (Object.keys(secrets).length > 0) {
      notes.push(
        `the file refers to ${Object.keys(secrets).join(', ')}: put them in a .env beside it (--output writes one)`,
      );
    }
    return { plan, loaded, written: [], notes, yaml };
  }
  const file = resolve(req.cwd, req.output);
  await writeExportFile(file, yaml, { force: req.force ?? false });
  const written = [file];
  const env = await mergeEnvFile(join(dirname(file), '.env'), secrets);
  if (env) written.push(env);
  return { plan, loaded, written, notes, yaml };
}

/** Adds the keys `.env` lacks, keeping what it has; returns its path if it changed. */
async function mergeEnvFile(
  file: string,
  secrets: Record<string, string>,
): Promise<string | undefined> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const present = new Set(
    text.split('\n').map((line) => line.slice(0, Math.max(0, line.indexOf('=')))),
  );
  const missing = Object.entries(secrets).filter(([k]) => !present.has(k));
  if (missing.length === 0) return undefined;
  const lines = missing.map(([k, v]) => `${k}=${v}\n`).join('');
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  await writeExportFile(file, prefix + lines, { force: true, mode: 0o600 });
  return file;
}
