import { afterAll, describe, expect, it } from 'vitest';
import { referenceProject, rehearsal, spawnRehearsal } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();

/** Starts `up`, and SIGKILLs the CLI as soon as it has started its first app replica. */
async function killDuringUp(cwd: string): Promise<void> {
  const child = spawnRehearsal(['up', '--detach'], { cwd });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`up never started a replica:\n${seen}`)),
      240_000,
    );
    child.stderr?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (/started \S+-patient-api-\d/.test(seen)) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  const result = await child;
  expect(result.signal).toBe('SIGKILL');
}

describe.skipIf(!engine)('an up interrupted by SIGKILL', () => {
  const id = 'rt-interrupted';
  const project = referenceProject(id);
  const cwd = project.dir;

  afterAll(async () => {
    if (engine) await removeSandbox(engine, id);
    project.remove();
  });

  it('is cleaned up by down: nothing labelled remains (the volume only with --volumes)', async () => {
    await killDuringUp(cwd);
    expect((await labelled(engine!, id)).containers.length).toBeGreaterThan(0);
    const down = await rehearsal(['down'], { cwd });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labelled(engine!, id)).toEqual({
      containers: [],
      networks: [],
      volumes: [`${id}_database-data`],
    });
    expect((await rehearsal(['down', '--volumes'], { cwd })).exitCode).toBe(0);
    expect(await labelled(engine!, id)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it('is finished by the next up, with no duplicates, and a third up changes nothing', async () => {
    await killDuringUp(cwd);
    const up = await rehearsal(['up', '--detach'], { cwd });
    expect(up.exitCode, up.stderr).toBe(0);
    const first = await labelled(engine!, id);
    expect(first.containers).toEqual([
      `${id}-database-1`,
      // The migration's container stays, completed: the third up does not run it again.
      `${id}-migrate-1`,
      `${id}-patient-api-1`,
      `${id}-patient-api-2`,
      `${id}-patient-api-3`,
      `${id}-proxy-1`,
      `${id}-session-expiry-1`,
    ]);
    expect(first.networks).toEqual([`${id}_default`]);
    const again = await rehearsal(['up', '--detach'], { cwd });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/started|removed/);
    expect(await labelled(engine!, id)).toEqual(first);
    expect((await rehearsal(['down', '--volumes'], { cwd })).exitCode).toBe(0);
  });
});
