import { execa } from 'execa';

/**
 * Whether `docker compose` (the v2 plugin) answers. Locally a missing plugin skips, saying so;
 * under CI=true it fails the run (.ci/run installs it).
 */
export async function composeV2(): Promise<boolean> {
  const r = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  const ok = r.exitCode === 0 && /^v?2\./.test(String(r.stdout).trim());
  if (ok) return true;
  const why = `docker compose v2 does not answer (${String(r.stderr || r.stdout).trim()})`;
  if (process.env.CI === 'true') throw new Error(`${why}; .ci/run installs it`);
  console.warn(`Compose v2 tests skipped: ${why}`);
  return false;
}

/** `docker compose -p <project> …args`, never throwing: the caller reads the exit code. */
export async function dockerCompose(
  project: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('docker', ['compose', '-p', project, ...args], {
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A compose project's containers as `docker compose ps --format json` lists them. */
export async function composePs(
  project: string,
): Promise<{ Name: string; Service: string; State: string; Health: string }[]> {
  const r = await dockerCompose(project, ['ps', '--all', '--format', 'json']);
  if (r.exitCode !== 0) throw new Error(`docker compose ps failed: ${r.stderr}`);
  const text = r.stdout.trim();
  if (text === '') return [];
  // Compose 2.21+ prints one object a line; earlier 2.x printed one array.
  return text.startsWith('[')
    ? JSON.parse(text)
    : text.split('\n').map((line) => JSON.parse(line) as never);
}

/** Milliseconds each named phase took, printed at the end: where a test's time goes. */
export function phaseTimer(): {
  time: <T>(name: string, run: () => Promise<T>) => Promise<T>;
  report: (title: string) => void;
} {
  const phases: [string, number][] = [];
  return {
    async time(name, run) {
      const start = performance.now();
      try {
        return await run();
      } finally {
        phases.push([name, Math.round(performance.now() - start)]);
      }
    },
    report(title) {
      const total = phases.reduce((sum, [, ms]) => sum + ms, 0);
      const lines = phases.map(([n, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${n}`);
      console.log(`${title}: ${(total / 1000).toFixed(1)} s\n${lines.join('\n')}`);
    },
  };
}
