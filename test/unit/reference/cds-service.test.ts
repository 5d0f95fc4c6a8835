import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../sandbox/net/free-port.js';
import { makeCanaries } from '../../../sandbox/traffic/canary.js';
import { cdsJourneys } from '../../../sandbox/traffic/cds/journeys.js';
import { cardProblems } from '../../../sandbox/traffic/cds/schema.js';
import { prepare } from '../../../sandbox/traffic/journeys.js';
import { ROOT } from '../../helpers/cli.js';

/**
 * The reference CDS Hooks service (templates/cds-service/server.mjs) run as a process on
 * 127.0.0.1 and called with the journeys Rehearsal derives from its own discovery document.
 */
const running: ChildProcess[] = [];
afterAll(() => {
  for (const p of running) p.kill('SIGTERM');
});

async function start(env: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'templates/cds-service/server.mjs')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 50 && !out.includes('listening'); i++)
    await new Promise((r) => setTimeout(r, 50));
  const base = `http://127.0.0.1:${port}`;
  return { base, output: () => out, child };
}

async function call(base: string, j: ReturnType<typeof prepare>) {
  const r = await fetch(base + j.path, {
    method: j.method,
    headers: j.headers,
    ...(j.body ? { body: j.body } : {}),
  });
  return { status: r.status, doc: (await r.json()) as unknown };
}

describe('the reference CDS Hooks service', () => {
  const canaries = makeCanaries('00aa11bb22');
  const fill = { run: 'rtest', seq: 1, canaries };

  it('answers the derived hook call with a card that conforms, and logs no PHI', async () => {
    const svc = await start();
    const discovery = (await (await fetch(`${svc.base}/cds-services`)).json()) as unknown;
    const d = cdsJourneys(discovery)!;
    expect(d.problems).toEqual([]);
    expect(d.services).toEqual([
      {
        id: 'patient-greeting',
        hook: 'patient-view',
        prefetch: ['patient'],
        omitted: [],
        knownHook: true,
      },
    ]);
    const r = await call(svc.base, prepare(d.journeys[1]!, fill));
    expect(r.status).toBe(200);
    expect(cardProblems(r.doc)).toEqual([]);
    expect(JSON.stringify(r.doc)).toContain(canaries.patient_name);
    expect(svc.output()).not.toContain(canaries.patient_name);
    expect(svc.output()).not.toContain(canaries.mrn);
  });

  it('answers 412 without its prefetch, as CDS Hooks 2.0 says', async () => {
    const svc = await start();
    const d = cdsJourneys((await (await fetch(`${svc.base}/cds-services`)).json()) as unknown)!;
    const j = prepare(d.journeys[1]!, fill);
    const body = JSON.parse(j.body!.toString()) as Record<string, unknown>;
    delete body.prefetch;
    const r = await call(svc.base, { ...j, body: Buffer.from(JSON.stringify(body)) });
    expect(r.status).toBe(412);
  });

  it('logs the prefetch, PHI included, under NAUGHTY_LOG_PREFETCH', async () => {
    const svc = await start({ NAUGHTY_LOG_PREFETCH: '1' });
    const d = cdsJourneys((await (await fetch(`${svc.base}/cds-services`)).json()) as unknown)!;
    expect((await call(svc.base, prepare(d.journeys[1]!, fill))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(svc.output()).toContain(canaries.patient_name);
    expect(svc.output()).toContain(canaries.mrn);
  });

  it('answers cards the schema refuses under NAUGHTY_BAD_CARDS', async () => {
    const svc = await start({ NAUGHTY_BAD_CARDS: '1' });
    const d = cdsJourneys((await (await fetch(`${svc.base}/cds-services`)).json()) as unknown)!;
    const r = await call(svc.base, prepare(d.journeys[1]!, fill));
    expect(r.status).toBe(200);
    expect(cardProblems(r.doc)).toEqual([
      "/cards/0: must have required property 'source'",
      '/cards/0/indicator: must be equal to one of the allowed values (info, warning, critical)',
    ]);
  });
});
