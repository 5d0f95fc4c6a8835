import { describe, expect, it } from 'vitest';
import type { ChaosFacts, TrafficFacts } from '../../../sandbox/checks/facts/types.js';
import { CHECKS } from '../../../sandbox/checks/verdicts.js';
import { oneTaskFacts } from './one-task.js';

/** The traffic of a CDS Hooks task whose journeys were derived from its discovery. */
function cdsTraffic(
  invalid = 0,
  journeys = ['cds:discovery 10/10', 'cds:greeting 30/30'],
): TrafficFacts {
  return {
    sent: 40,
    ok: 40,
    failed: 0,
    byReplica: { 's-api-1': 40 },
    errors: {},
    origin: 'cds-hooks',
    journeys,
    writes: false,
    derivedFrom: 'journeys from CDS Hooks discovery: 1 service (greeting on patient-view)',
    conformance: {
      protocol: 'CDS Hooks 2.0',
      checked: 40,
      invalid,
      examples: invalid
        ? ["cds:greeting (s-api-1): /cards/0: must have required property 'indicator'"]
        : [],
    },
  };
}

/** A chaos phase on a CDS task: no writes, so the data verdicts are not checked. */
function cdsChaos(): ChaosFacts {
  return {
    service: 'api',
    journal: '/tmp/j.jsonl',
    verdicts: (['ephemeral', 'stateless', 'incorruptible', 'scalable'] as const).map(
      (requirement) => ({
        requirement,
        outcome:
          requirement === 'ephemeral' || requirement === 'incorruptible' ? 'not-checked' : 'pass',
        summary: 'no write journey',
        evidence: [],
      }),
    ),
    traffic: {
      requests: 100,
      errors: {},
      replicas: {},
      acknowledgedWrites: 0,
      lostWrites: 0,
      origin: 'cds-hooks',
    },
  };
}

describe('Programmatically verifiable through the derived CDS Hooks suite', () => {
  const check = CHECKS['programmatically-verifiable']!;

  it('passes without a smoke test when every answer conforms', () => {
    const f = check(oneTaskFacts({ traffic: cdsTraffic() }));
    expect(f.verdict).toBe('pass');
    expect(f.evidence).toContain(
      'api: 40/40 answers conform to CDS Hooks 2.0; journeys cds:discovery 10/10, cds:greeting 30/30',
    );
  });

  it('fails when an answer does not conform, quoting the field', () => {
    const f = check(oneTaskFacts({ traffic: cdsTraffic(3) }));
    expect(f.verdict).toBe('fail');
    expect(f.why).toContain(
      "3 of 40 CDS Hooks 2.0 answers of api do not conform (cds:greeting (s-api-1): /cards/0: must have required property 'indicator')",
    );
  });

  it('fails when a service never answered its hook call', () => {
    const f = check(
      oneTaskFacts({ traffic: cdsTraffic(0, ['cds:discovery 10/10', 'cds:greeting 0/30']) }),
    );
    expect(f.verdict).toBe('fail');
    expect(f.why).toBe('api: no call of cds:greeting 0/30 succeeded');
  });

  it('still asks for a smoke test from a service with no derived suite', () => {
    expect(check(oneTaskFacts({})).verdict).toBe('warn');
  });
});

describe('Incorruptible and Ephemeral on a CDS Hooks service', () => {
  it('are not applicable, with the reason, when chaos saw only hook calls', () => {
    const facts = oneTaskFacts({ traffic: cdsTraffic() }, { chaos: [cdsChaos()] });
    const inc = CHECKS.incorruptible!(facts);
    expect(inc.verdict).toBe('not-applicable');
    expect(inc.why).toMatch(
      /^api is a CDS Hooks service with no declared write journey: a hook call is answered from its request/,
    );
  });

  it('stay not checked for any other service without writes', () => {
    const other = cdsChaos();
    other.traffic!.origin = 'health';
    const facts = oneTaskFacts({}, { chaos: [other] });
    expect(CHECKS.incorruptible!(facts).verdict).toBe('not-checked');
  });

  it('are not checked without the chaos phase (never a verdict without evidence)', () => {
    const facts = oneTaskFacts({ traffic: cdsTraffic() });
    expect(CHECKS.incorruptible!(facts).verdict).toBe('not-checked');
  });
});
