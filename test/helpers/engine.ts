import { findEngine } from '../../sandbox/engine/find-engine.js';
import type { Engine } from '../../sandbox/engine/engine.js';
import { LABEL } from '../../sandbox/labels.js';

/**
 * The engine for Docker tests. Locally, with no engine, the tests skip and say why; under CI=true
 * a missing engine fails the run (../shared/STYLE.md: never a skip in CI).
 */
export async function testEngine(): Promise<Engine | undefined> {
  try {
    return await findEngine();
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    console.warn(`Docker tests skipped: ${(err as Error).message}`);
    return undefined;
  }
}

/** Everything labelled with a sandbox id: containers, networks, volumes. */
export async function labelled(
  engine: Engine,
  sandboxId: string,
): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const filter = { [LABEL.sandbox]: sandboxId };
  return {
    containers: (await engine.listContainers(filter)).map((c) => c.name).sort(),
    networks: (await engine.listNetworks(filter)).map((n) => n.name).sort(),
    volumes: (await engine.listVolumes(filter)).map((v) => v.name).sort(),
  };
}

/** Removes everything a test's sandbox left, by label: the safety net after each test. */
export async function removeSandbox(engine: Engine, sandboxId: string): Promise<void> {
  const filter = { [LABEL.sandbox]: sandboxId };
  for (const c of await engine.listContainers(filter))
    await engine.removeContainer(c.id, { force: true });
  for (const n of await engine.listNetworks(filter)) await engine.removeNetwork(n.name);
  for (const v of await engine.listVolumes(filter)) await engine.removeVolume(v.name);
}
