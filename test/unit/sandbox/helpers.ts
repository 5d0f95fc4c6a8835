import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { loadDeclaration } from '../../../sandbox/declaration/index.js';
import type { RehearsalEvent } from '../../../sandbox/events.js';
import { createPlan } from '../../../sandbox/plan/plan.js';
import type { Plan } from '../../../sandbox/plan/types.js';
import { REFERENCE } from '../../helpers/cli.js';
import { memoryEngine, type MemoryEngine } from '../../helpers/memory-engine.js';

/**
 * The reference service's plan in a fresh folder (its state folder under it, the local CA in
 * another via REHEARSAL_CONFIG_DIR), an in-memory engine, and the events each operation emits.
 */
export interface Bench {
  plan: Plan;
  engine: MemoryEngine;
  events: RehearsalEvent[];
  emit: (e: RehearsalEvent) => void;
  /** The events of one type, in order. */
  of<T extends RehearsalEvent['type']>(type: T): Extract<RehearsalEvent, { type: T }>[];
  [Symbol.asyncDispose](): Promise<void>;
}

export async function bench(): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-memory-'));
  vi.stubEnv('REHEARSAL_CONFIG_DIR', join(dir, 'config'));
  const loaded = await loadDeclaration({
    file: join(REFERENCE, 'marketplace.json'),
    overlayFile: join(REFERENCE, 'rehearsal.yaml'),
  });
  let n = 0;
  const plan = createPlan(loaded, {
    cwd: dir,
    imageMode: 'official',
    randomSecret: () => `secret-${++n}`,
  });
  const engine = await memoryEngine();
  const events: RehearsalEvent[] = [];
  return {
    plan,
    engine,
    events,
    emit: (e) => void events.push(e),
    of: <T extends RehearsalEvent['type']>(type: T) =>
      events.filter((e): e is Extract<RehearsalEvent, { type: T }> => e.type === type),
    async [Symbol.asyncDispose]() {
      await engine[Symbol.asyncDispose]();
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The names of the sandbox's containers in a state, sorted. */
export function named(engine: MemoryEngine, state?: string): string[] {
  return [...engine.containers.values()]
    .filter((c) => state === undefined || c.state === state)
    .map((c) => c.spec.name)
    .sort();
}
