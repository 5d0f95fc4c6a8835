import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceProject, rehearsal } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();

describe.skipIf(!engine)('a TLS edge port already in use', () => {
  const id = 'rt-clash';
  const project = referenceProject(id);
  const blocker = createServer();

  afterAll(async () => {
    blocker.close();
    if (engine) await removeSandbox(engine, id);
    project.remove();
  });

  it('is explained with its fix, exit 2, and down leaves nothing', async () => {
    await new Promise<void>((r) => blocker.listen(18443, '127.0.0.1', r));
    const up = await rehearsal(['up', '--detach'], {
      cwd: project.dir,
      env: { REHEARSAL_PROXY_PORT: '18443' },
    });
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toContain('cannot listen on 127.0.0.1:18443: it is already in use');
    expect(up.stderr).toContain('REHEARSAL_PROXY_PORT');
    expect(up.stderr).not.toMatch(/\n\s+at /);
    expect((await rehearsal(['down', '--volumes'], { cwd: project.dir })).exitCode).toBe(0);
    expect(await labelled(engine!, id)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
