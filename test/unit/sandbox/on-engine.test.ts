import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlatform } from '../../../sandbox/platform/choose.js';
import { listSandboxes, stateDirOnEngine } from '../../../sandbox/sandbox/on-engine.js';
import { existingPlan, findExistingPlan } from '../../../sandbox/sandbox/resolve.js';
import { bench } from './helpers.js';

describe('sandboxes found on the engine, from any folder', () => {
  it('lists them by label, and -p finds one whose state lives elsewhere', async () => {
    await using b = await bench();
    const run = { engine: b.engine, emit: b.emit };
    expect(await listSandboxes(b.engine)).toEqual([]);
    await (await loadPlatform('docker')).deploy(b.plan, run);
    const [only, ...rest] = await listSandboxes(b.engine);
    expect(rest).toEqual([]);
    const task = b.plan.services.find((s) => s.role === 'task')!;
    expect(only).toMatchObject({
      name: b.plan.sandboxId,
      engine: 'docker',
      stateDir: b.plan.stateDir,
      services: { [task.name]: { running: task.replicas, containers: task.replicas } },
    });
    // An initialization task's container stays, exited, once it has completed.
    const inits = b.plan.services.filter((s) => s.role === 'init').length;
    expect(only!.running).toBe(only!.containers - inits);

    const elsewhere = mkdtempSync(join(tmpdir(), 'rehearsal-elsewhere-'));
    try {
      const locate = (id: string) => stateDirOnEngine(b.engine, id);
      const req = { cwd: elsewhere, imageMode: 'official' as const, sandbox: b.plan.sandboxId };
      expect((await existingPlan({ ...req, locate })).stateDir).toBe(b.plan.stateDir);
      // Not here, not on the engine: nothing (down then removes by label), or the error.
      expect(await findExistingPlan({ ...req, sandbox: 'nowhere', locate })).toBeUndefined();
      await expect(existingPlan({ ...req, sandbox: 'nowhere', locate })).rejects.toThrow(
        /no sandbox named "nowhere" here or on the engine/,
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
