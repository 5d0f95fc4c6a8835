import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaosPhase } from '../../sandbox/checks/chaos-phase.js';
import { gatherFacts } from '../../sandbox/checks/facts/gather.js';
import type { Facts } from '../../sandbox/checks/facts/types.js';
import { judge } from '../../sandbox/checks/run.js';
import type { RehearsalEvent } from '../../sandbox/events.js';
import { cdsServiceImage, imageModeFromEnv } from '../../sandbox/images/catalogue.js';
import { down } from '../../sandbox/sandbox/down.js';
import { ensureImage } from '../../sandbox/sandbox/images.js';
import { planFromDeclaration } from '../../sandbox/sandbox/resolve.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { removeSandbox, testEngine } from '../helpers/engine.js';

/**
 * The reference CDS Hooks service (templates/cds-service) judged with no rehearsal.yaml at all:
 * its journeys come from its own discovery document. One sandbox, three tasks: the compliant
 * build; NAUGHTY_LOG_PREFETCH (declared with default "1" in marketplace.json), which must fail
 * exactly "No PHI/PII in logs"; NAUGHTY_BAD_CARDS, exactly "Programmatically verifiable". The
 * check's chaos phase runs on the compliant task.
 */
const engine = await testEngine();
const SANDBOX = 'rt-cds';

function project() {
  const t = tempDir('rehearsal-cds-');
  const declaration = JSON.parse(
    readFileSync(join(ROOT, 'templates/cds-service/marketplace.json'), 'utf8'),
  ) as {
    product: { facts: { name: string } };
    configuration: { task: Record<string, unknown>[] }[];
  };
  declaration.product.facts.name = 'RT CDS';
  const base = declaration.configuration[0]!.task[0]!;
  const env = base.environment as { key: string; default?: string }[];
  /** A twin of the service with one fault switched on by its declared default. */
  const twin = (label: string, fault: string) => ({
    ...base,
    id: `${String(base.id)}-${label}`,
    label,
    instances_minimum: 2,
    instances_maximum: 2,
    environment: env.map((e) => (e.key === fault ? { ...e, default: '1' } : e)),
  });
  declaration.configuration[0]!.task = [
    { ...base, label: 'greeting', instances_minimum: 2, instances_maximum: 2 },
    twin('naughty', 'NAUGHTY_LOG_PREFETCH'),
    twin('bad-cards', 'NAUGHTY_BAD_CARDS'),
  ];
  writeFileSync(join(t.dir, 'marketplace.json'), JSON.stringify(declaration, null, 2));
  return t;
}

const dir = project();
const timings: string[] = [];

describe.skipIf(!engine)('a CDS Hooks service with no overlay', () => {
  afterAll(async () => {
    await removeSandbox(engine!, SANDBOX);
    dir.remove();
    console.log(`CDS Hooks test, where the time went:\n${timings.join('\n')}`);
  }, 60_000);

  it('is called through its discovery, its cards validated, and each naughty twin fails exactly its requirement', async () => {
    const t0 = Date.now();
    await ensureImage(engine!, cdsServiceImage(imageModeFromEnv()), () => undefined);
    timings.push(`image ready: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const { plan, loaded } = await planFromDeclaration({
      cwd: dir.dir,
      imageMode: imageModeFromEnv(),
      proxyPort: 20000 + Math.floor(Math.random() * 20000),
    });
    expect(plan.sandboxId).toBe(SANDBOX);
    const events: RehearsalEvent[] = [];
    let facts: Facts;
    try {
      const t1 = Date.now();
      facts = await gatherFacts(plan, {
        engine: engine!,
        emit: (e) => events.push(e),
        loaded,
        requests: 40,
      });
      timings.push(`observation: ${((Date.now() - t1) / 1000).toFixed(0)} s`);
      expect(facts.bootstrap, facts.bootstrap.error).toMatchObject({ ok: true });
      const t2 = Date.now();
      // The check's chaos phase, on the compliant task only (the twin's fault is not chaos's).
      facts.chaos = await runChaosPhase(
        {
          ...plan,
          services: plan.services.filter((s) => s.name === 'greeting' || s.role !== 'task'),
        },
        {
          engine: engine!,
          emit: (e) => events.push(e),
          signal: new AbortController().signal,
          timeline: facts.timeline,
          ...(facts.canaries ? { canaries: facts.canaries } : {}),
        },
      );
      timings.push(`chaos phase on greeting: ${((Date.now() - t2) / 1000).toFixed(0)} s`);
    } finally {
      await down(plan.sandboxId, { engine: engine!, emit: () => undefined, volumes: true });
    }

    // Announced: the journeys came from what the service publishes.
    const announced = events.filter((e) => e.type === 'traffic.derived').map((e) => e.text);
    expect(announced).toContain(
      'journeys from CDS Hooks discovery: 1 service (patient-greeting on patient-view)',
    );
    const greeting = facts.tasks.find((t) => t.service.name === 'greeting')!;
    expect(greeting.traffic).toMatchObject({ origin: 'cds-hooks', failed: 0 });
    expect(greeting.traffic?.conformance).toMatchObject({ protocol: 'CDS Hooks 2.0', invalid: 0 });
    expect(greeting.traffic!.conformance!.checked).toBeGreaterThan(10);

    const compliant = judge({ ...facts, tasks: [greeting] });
    const verdict = (id: string) => compliant.find((r) => r.id === id)?.verdict;
    expect(
      compliant.filter((r) => r.verdict === 'fail' && r.severity === 'MUST').map((r) => r.id),
    ).toEqual([]);
    expect(verdict('programmatically-verifiable')).toBe('pass');
    expect(verdict('no-phi-in-logs')).toBe('pass');
    expect(verdict('incorruptible')).toBe('not-applicable');
    expect(verdict('ephemeral')).toBe('pass');

    const naughty = facts.tasks.find((t) => t.service.name === 'naughty')!;
    const twin = judge({ ...facts, tasks: [naughty], chaos: [] });
    const failed = (rs: typeof twin) => rs.filter((r) => r.verdict === 'fail').map((r) => r.id);
    const extra = failed(twin).filter((id) => !failed(compliant).includes(id));
    expect(extra).toEqual(['no-phi-in-logs']);
    const phi = twin.find((r) => r.id === 'no-phi-in-logs')!;
    expect(phi.why).toMatch(/^rt-cds-naughty-\d logged synthetic PHI: stdout: .*"msg":"hook call"/);
    console.log(`NAUGHTY_LOG_PREFETCH: ${phi.why}`);

    // Cards the schema refuses fail Programmatically verifiable, and nothing else.
    const badCards = facts.tasks.find((t) => t.service.name === 'bad-cards')!;
    const bad = judge({ ...facts, tasks: [badCards], chaos: [] });
    expect(failed(bad).filter((id) => !failed(compliant).includes(id))).toEqual([
      'programmatically-verifiable',
    ]);
    const pv = bad.find((r) => r.id === 'programmatically-verifiable')!;
    expect(pv.why).toMatch(/CDS Hooks 2\.0 answers of bad-cards do not conform .*\/cards\/0/);
    console.log(`NAUGHTY_BAD_CARDS: ${pv.why}`);
  }, 240_000);
});
