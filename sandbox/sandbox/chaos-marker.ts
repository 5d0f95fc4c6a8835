import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from './state.js';

/**
 * A chaos run in progress, recorded in the sandbox's state folder while it runs: who runs it
 * (pid, host), its journal, and each task's replica count before it began. A run that ends,
 * even by Ctrl-C, removes it; one that was SIGKILLed leaves it behind, and the next `up`,
 * `chaos` or `down` reads it to put the counts back (repair.ts).
 */
export interface ChaosMarker {
  pid: number;
  host: string;
  startedAt: string;
  journal: string;
  /** Desired replica count per task when the run began. */
  desired: Record<string, number>;
}

const FILE = 'chaos-run.json';

export async function writeChaosMarker(
  stateDir: string,
  m: Omit<ChaosMarker, 'pid' | 'host' | 'startedAt'>,
): Promise<void> {
  const marker: ChaosMarker = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...m,
  };
  await writeAtomic(join(stateDir, FILE), `${JSON.stringify(marker)}\n`);
}

export async function readChaosMarker(stateDir: string): Promise<ChaosMarker | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, FILE), 'utf8')) as ChaosMarker;
  } catch (err) {
    // A marker cut short cannot be half-written (writeAtomic); unreadable JSON is someone's edit.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError)
      return undefined;
    throw err;
  }
}

export async function removeChaosMarker(stateDir: string): Promise<void> {
  await rm(join(stateDir, FILE), { force: true });
}

/** Whether the run that wrote the marker still runs (on this host; another host's is trusted). */
export function markerAlive(m: ChaosMarker): boolean {
  if (m.host !== hostname()) return true;
  if (m.pid === process.pid) return false;
  try {
    process.kill(m.pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process with that pid exists but is not ours to signal; it may be the run.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
