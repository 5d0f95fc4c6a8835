import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
export const SHARED = resolve(ROOT, '../shared');
export const REFERENCE = join(ROOT, 'templates/reference-service');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm run build` first) and returns its exit code and output. */
export async function rehearsal(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const r = await execa('node', [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    reject: false,
    timeout: options.timeoutMs ?? 300_000,
    stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Starts the CLI without waiting, for tests that signal it. */
export function spawnRehearsal(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): ResultPromise {
  return execa('node', [CLI, ...args], {
    cwd: options.cwd,
    env: options.env ?? {},
    reject: false,
    stdin: 'ignore',
    buffer: true,
  });
}

/** A temporary working directory, removed by the returned function. */
export function tempDir(prefix = 'rehearsal-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Replaces `from` with `to` in a file (an overlay tweak); throws when `from` is not there. */
export function editFile(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

/** A copy of the reference service's declaration in a fresh folder, under its own sandbox name. */
export function referenceProject(sandboxName: string): { dir: string; remove: () => void } {
  const t = tempDir();
  cpSync(join(REFERENCE, 'marketplace.json'), join(t.dir, 'marketplace.json'));
  const overlay =
    `sandbox: { name: ${sandboxName} }\n` +
    `database: { kind: postgres, version: "16" }\n` +
    `tasks:\n  "Patient API":\n    name: patient-api\n    health: { path: /health, port: 8080 }\n    bind: { DATABASE_URL: database.url }\n` +
    // Its worker runs once: most tests drive the web task, on a 2-core machine.
    `  "Session Expiry":\n    name: session-expiry\n    replicas: 1\n` +
    `  "Schema Migration":\n    name: migrate\n`;
  writeFileSync(join(t.dir, 'rehearsal.yaml'), overlay);
  return t;
}
