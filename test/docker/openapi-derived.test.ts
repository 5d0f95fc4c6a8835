import { randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChaosReport } from '../../sandbox/chaos/run.js';
import { ROOT, rehearsal, tempDir } from '../helpers/cli.js';
import { removeSandbox, testEngine } from '../helpers/engine.js';

/**
 * A service that declares no journeys, only where its health path and database are: the notes
 * service (Python) publishes /openapi.json, and chaos derives its traffic from it, so
 * Incorruptible is decided through a write the vendor never declared to Rehearsal.
 */
const engine = await testEngine();
const env = {
  REHEARSAL_IMAGES: process.env.REHEARSAL_IMAGES ?? 'offline',
  REHEARSAL_PROXY_PORT: process.env.REHEARSAL_PROXY_PORT ?? '38453',
};

describe.skipIf(!engine)('journeys derived from an OpenAPI document', () => {
  const id = `rt-openapi-${randomBytes(3).toString('hex')}`;
  const project = tempDir('rehearsal-openapi-');
  const dir = project.dir;

  beforeAll(async () => {
    copyFileSync(
      join(ROOT, 'templates/notes-service/marketplace.json'),
      join(dir, 'marketplace.json'),
    );
    writeFileSync(
      join(dir, 'rehearsal.yaml'),
      `sandbox: { name: ${id} }\nreplicas: 3\ndatabase: { kind: postgres, version: '16' }\n` +
        `tasks:\n  'Notes API':\n    name: notes-api\n    health: { path: /health, port: 8080 }\n` +
        `    bind: { DATABASE_URL: database.url }\n`,
    );
    const up = await rehearsal(['up', '--detach'], { cwd: dir, env });
    expect(up.exitCode, up.stderr).toBe(0);
  });

  afterAll(async () => {
    if (engine) await removeSandbox(engine, id);
    project.remove();
  });

  it('lists the derived journeys and what was left out, with --dry-run', async () => {
    const r = await rehearsal(['chaos', '--dry-run', '--seed', '5', '--duration', '20'], {
      cwd: dir,
      env,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'journeys from the OpenAPI document at /openapi.json: 2 reads, 1 write (POST /notes → GET /notes/{id})',
    );
    expect(r.stdout).toContain('left out: GET /me: needs credentials (session)');
  });

  it('decides Incorruptible from the POST/GET pair the document publishes, with no overlay', async () => {
    const r = await rehearsal(
      ['chaos', '--seed', '5', '--duration', '25', '--rate', '6', '--rps', '15', '--json'],
      { cwd: dir, env, timeoutMs: 300_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ChaosReport;
    console.log(
      `openapi-derived: ${report.actions.length} actions, ${report.traffic.requests} requests, ` +
        `${report.traffic.acknowledgedWrites} writes acknowledged, journeys ${JSON.stringify(report.traffic.journeys)}`,
    );
    expect(report.traffic.origin).toBe('openapi');
    expect(report.traffic.journeys['POST /notes']?.ok).toBeGreaterThan(0);
    expect(report.traffic.acknowledgedWrites).toBeGreaterThan(0);
    expect(report.traffic.lostWrites).toBe(0);
    const incorruptible = report.verdicts.find((v) => v.requirement === 'incorruptible');
    expect(incorruptible?.outcome, incorruptible?.summary).toBe('pass');
  });
});
