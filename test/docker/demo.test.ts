import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxStatus } from '../../sandbox/sandbox/status.js';
import { rehearsal, tempDir } from '../helpers/cli.js';
import { labelled, removeSandbox, testEngine } from '../helpers/engine.js';

const engine = await testEngine();

async function statusOf(cwd: string): Promise<SandboxStatus> {
  const r = await rehearsal(['status', '--json'], { cwd });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SandboxStatus;
}

function apiUrls(s: SandboxStatus): string[] {
  return s.replicas.filter((r) => r.service === 'patient-api').map((r) => r.urls['8080']!);
}

describe.skipIf(!engine)('rehearsal demo on a real engine', () => {
  const project = tempDir('rehearsal-demo-');
  const cwd = project.dir;
  let sandboxId = '';

  afterAll(async () => {
    await rehearsal(['down', '--volumes'], { cwd });
    if (engine && sandboxId) await removeSandbox(engine, sandboxId);
    project.remove();
  });

  it('starts 3 replicas and PostgreSQL, all healthy, reachable only on 127.0.0.1', async () => {
    const r = await rehearsal(['demo', '--detach'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const s = await statusOf(cwd);
    sandboxId = s.sandboxId;
    const api = s.replicas.filter((x) => x.service === 'patient-api');
    const db = s.replicas.filter((x) => x.service === 'database');
    expect(api).toHaveLength(3);
    expect(db).toHaveLength(1);
    for (const x of [...api, ...db])
      expect(x.health, `${x.container}: ${x.detail}`).toBe('healthy');
    for (const url of apiUrls(s)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.services.find((x) => x.name === 'patient-api')).toMatchObject({
      healthy: 3,
      bounds: [2, 6],
    });
  });

  it('reads back through one replica what was written through another', async () => {
    const [a, b] = apiUrls(await statusOf(cwd));
    const created = await fetch(`${a}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Patient',
        name: [{ family: 'Testperson', given: ['Ada'] }],
      }),
    });
    expect(created.status).toBe(201);
    const written = (await created.json()) as { id: string };
    const writer = created.headers.get('x-replica');
    const read = await fetch(`${b}/Patient/${written.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('x-replica')).not.toBe(writer);
    expect(await read.json()).toMatchObject({ id: written.id, name: [{ family: 'Testperson' }] });
  });

  it('scales 3 → 5 → 2, newest first, and refuses counts outside the declared bounds', async () => {
    const up = await rehearsal(['scale', 'patient-api', '5'], { cwd });
    expect(up.exitCode, up.stderr).toBe(0);
    expect((await statusOf(cwd)).services.find((x) => x.name === 'patient-api')).toMatchObject({
      running: 5,
      healthy: 5,
    });

    const down = await rehearsal(['scale', 'patient-api', '2'], { cwd });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(
      /removing newest first: \S+-patient-api-5, \S+-patient-api-4, \S+-patient-api-3/,
    );
    const s = await statusOf(cwd);
    expect(s.replicas.filter((x) => x.service === 'patient-api').map((x) => x.replica)).toEqual([
      1, 2,
    ]);

    for (const n of ['7', '1']) {
      const refused = await rehearsal(['scale', 'patient-api', n], { cwd });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain(
        `cannot scale "patient-api" to ${n}: the declaration allows 2..6 instances`,
      );
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('gives the same sandbox when started again', async () => {
    const before = await labelled(engine!, sandboxId);
    const again = await rehearsal(['demo', '--detach'], { cwd });
    expect(again.exitCode, again.stderr).toBe(0);
    const after = await labelled(engine!, sandboxId);
    expect(again.stderr).not.toMatch(/started|removed/);
    expect(after).toEqual(before);
  });

  it("logs shows every replica's output", async () => {
    const r = await rehearsal(['logs', 'patient-api', '--tail', '5'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/-patient-api-1 \| \{/);
    expect(r.stdout).toMatch(/-patient-api-2 \| \{/);
  });

  it('down keeps the volume; down --volumes removes everything', async () => {
    expect((await rehearsal(['down'], { cwd })).exitCode).toBe(0);
    expect(await labelled(engine!, sandboxId)).toEqual({
      containers: [],
      networks: [],
      volumes: [`${sandboxId}_database-data`],
    });
    expect((await rehearsal(['down', '--volumes'], { cwd })).exitCode).toBe(0);
    expect(await labelled(engine!, sandboxId)).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });
  });
});
