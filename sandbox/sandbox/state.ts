import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { composeYaml } from '../plan/compose.js';
import type { Plan } from '../plan/types.js';

/**
 * The sandbox's files under `.rehearsal/<sandbox>/`: compose.yaml (the model, no secrets), .env
 * (secrets, mode 0600) and plan.json (what status/scale/logs/down use when no declaration is
 * named). Every file is written to a temporary name and renamed, so an interrupted command never
 * leaves a half-written file.
 */
export const STATE_FILES = { compose: 'compose.yaml', env: '.env', plan: 'plan.json' } as const;

export async function writeAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text, { mode });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Writes compose.yaml, .env and plan.json for the plan; returns the files written. */
export async function writeState(plan: Plan): Promise<string[]> {
  await mkdir(plan.stateDir, { recursive: true });
  const env = Object.entries(plan.secrets)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const { secrets: _secrets, ...withoutSecrets } = plan;
  const files = [
    join(plan.stateDir, STATE_FILES.compose),
    join(plan.stateDir, STATE_FILES.env),
    join(plan.stateDir, STATE_FILES.plan),
  ] as const;
  await writeAtomic(files[0], composeYaml(plan));
  await writeAtomic(files[1], `${env}\n`, 0o600);
  await writeAtomic(files[2], `${JSON.stringify(withoutSecrets, null, 2)}\n`);
  return [...files];
}

/** Reads a sandbox's saved plan with its secrets. */
export async function readState(stateDir: string): Promise<Plan> {
  let plan: Omit<Plan, 'secrets'>;
  try {
    plan = JSON.parse(await readFile(join(stateDir, STATE_FILES.plan), 'utf8')) as Omit<
      Plan,
      'secrets'
    >;
  } catch (cause) {
    throw new UserError(`no sandbox state in ${stateDir}`, {
      hint: 'Run `rehearsal up` first, or name the declaration with --file.',
      cause,
    });
  }
  return { ...plan, secrets: await readSecrets(stateDir) };
}

/** The secrets of an existing sandbox (empty when it has none yet). */
export async function readSecrets(stateDir: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(join(stateDir, STATE_FILES.env), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Removes the sandbox's secrets (after its volumes are gone, they protect nothing). */
export async function forgetSecrets(stateDir: string): Promise<void> {
  await rm(join(stateDir, STATE_FILES.env), { force: true });
}

/** Sandbox ids that have state under `<cwd>/.rehearsal/`. */
export async function listStateDirs(cwd: string): Promise<string[]> {
  const root = resolve(cwd, '.rehearsal');
  try {
    const entries = await readdir(root, { withFileTypes: true });
    const out: string[] = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      try {
        await readFile(join(root, e.name, STATE_FILES.plan));
        out.push(e.name);
      } catch {
        // A folder without plan.json is not a sandbox's (or was never finished): not listed.
      }
    }
    return out.sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

const DESIRED = 'desired.json';

/**
 * The replica count each task should have now. `up` and `scale` write it; the supervisor reads it
 * before it replaces a replica that died, so a scale-down in another terminal is not undone.
 */
export async function writeDesired(
  stateDir: string,
  desired: Record<string, number>,
): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeAtomic(join(stateDir, DESIRED), `${JSON.stringify(desired)}\n`);
}

export async function readDesired(stateDir: string): Promise<Record<string, number> | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, DESIRED), 'utf8')) as Record<string, number>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
