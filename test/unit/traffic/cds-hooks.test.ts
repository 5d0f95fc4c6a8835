import { describe, expect, it } from 'vitest';
import { cardProblems, discoveryProblems } from '../../../sandbox/traffic/cds/schema.js';
import {
  answer,
  contextTokens,
  evaluatePrefetch,
  fillTemplate,
  type Resource,
} from '../../../sandbox/traffic/cds/prefetch.js';
import { cdsJourneys, describeDerivation } from '../../../sandbox/traffic/cds/journeys.js';
import { hookContext, PATIENT_ID, syntheticRecord } from '../../../sandbox/traffic/cds/record.js';
import { makeCanaries } from '../../../sandbox/traffic/canary.js';
import { fillBody, prepare } from '../../../sandbox/traffic/journeys.js';
import { ConformanceTally } from '../../../sandbox/traffic/conformance.js';
import { derivable, taskTrafficSpec } from '../../../sandbox/traffic/task-traffic.js';
import { REFERENCE_SERVICE_IMAGE } from '../../../sandbox/images/catalogue.js';
import type { Plan, ServicePlan } from '../../../sandbox/plan/types.js';

const record: Resource[] = [
  { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe' }] },
  {
    resourceType: 'Encounter',
    id: 'e1',
    status: 'in-progress',
    subject: { reference: 'Patient/p1' },
  },
  { resourceType: 'Practitioner', id: 'dr1' },
];
const context = { userId: 'Practitioner/dr1', patientId: 'p1', encounterId: 'e1', draft: { a: 1 } };

describe('prefetch templates (CDS Hooks 2.0, "Prefetch Template")', () => {
  it('offers root-level primitive context fields and the user ids as tokens', () => {
    expect(contextTokens(context)).toEqual({
      'context.userId': 'Practitioner/dr1',
      'context.patientId': 'p1',
      'context.encounterId': 'e1',
      userPractitionerId: 'dr1',
    });
  });

  it('replaces tokens, and names the ones the context lacks', () => {
    const tokens = contextTokens(context);
    expect(fillTemplate('Patient/{{context.patientId}}', tokens)).toEqual({ url: 'Patient/p1' });
    expect(fillTemplate('Observation?patient={{context.patientId}}&code=4548-4', tokens)).toEqual({
      url: 'Observation?patient=p1&code=4548-4',
    });
    expect(fillTemplate('PractitionerRole?_id={{userPractitionerRoleId}}', tokens)).toEqual({
      unknown: ['userPractitionerRoleId'],
    });
    // Nested fields are not tokens ("Only root-level fields with a primitive value").
    expect(fillTemplate('X/{{context.draft.a}}', tokens)).toEqual({ unknown: ['context.draft.a'] });
  });

  it('answers a read with the resource and a search with a searchset Bundle', () => {
    expect(answer('Patient/p1', record)).toMatchObject({ resourceType: 'Patient', id: 'p1' });
    expect(answer('Encounter?patient=p1&status=in-progress', record)).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      entry: [{ resource: { id: 'e1' } }],
    });
    expect(answer('Encounter?subject=Patient/p1&_count=1', record)).toMatchObject({ total: 1 });
  });

  it('answers null when there is no data, never an empty Bundle', () => {
    expect(answer('Patient/nobody', record)).toBeNull();
    expect(answer('Observation?patient=p1&code=4548-4', record)).toBeNull();
    // A parameter the record cannot judge matches nothing rather than everything.
    expect(answer('Encounter?patient=p1&class=IMP', record)).toBeNull();
  });

  it("fills a service's prefetch and leaves out keys it cannot evaluate", () => {
    const { prefetch, omitted } = evaluatePrefetch(
      {
        patient: 'Patient/{{context.patientId}}',
        user: '{{context.userId}}',
        a1c: 'Observation?patient={{context.patientId}}&code=4548-4',
        role: 'PractitionerRole?_id={{userPractitionerRoleId}}',
      },
      context,
      record,
    );
    expect(prefetch.patient).toMatchObject({ resourceType: 'Patient', id: 'p1' });
    expect(prefetch.user).toMatchObject({ resourceType: 'Practitioner', id: 'dr1' });
    expect(prefetch.a1c).toBeNull();
    expect('role' in prefetch).toBe(false);
    expect(omitted).toEqual(["role ({{userPractitionerRoleId}} not in the hook's context)"]);
  });
});

const validCard = {
  uuid: '4e0a3a1e-3283-4575-ab82-028d55fe2719',
  summary: 'Example Card',
  indicator: 'info',
  detail: 'This is an example card.',
  source: { label: 'Static CDS Service Example', url: 'https://example.com' },
  links: [{ label: 'SMART Example App', url: 'https://smart.example.com/launch', type: 'smart' }],
};

describe('cards schema (CDS Hooks 2.0, "CDS Service Response")', () => {
  it('accepts valid answers, an empty card list included', () => {
    expect(cardProblems({ cards: [] })).toEqual([]);
    expect(cardProblems({ cards: [validCard] })).toEqual([]);
    expect(
      cardProblems({
        cards: [
          {
            summary: 'Reduce the dose',
            indicator: 'warning',
            source: { label: 'Dosing' },
            selectionBehavior: 'at-most-one',
            suggestions: [
              {
                label: 'Change',
                actions: [
                  {
                    type: 'create',
                    description: 'new order',
                    resource: { resourceType: 'MedicationRequest' },
                  },
                  { type: 'delete', description: 'old order', resourceId: 'MedicationRequest/1' },
                ],
              },
            ],
            overrideReasons: [{ code: 'refused', display: 'Patient refused' }],
          },
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    ['no cards array', {}, /^\/: must have required property 'cards'/],
    [
      'a card without summary',
      { cards: [{ indicator: 'info', source: { label: 'x' } }] },
      /\/cards\/0: must have required property 'summary'/,
    ],
    [
      'an unknown indicator',
      { cards: [{ ...validCard, indicator: 'urgent' }] },
      /\/cards\/0\/indicator: .*\(info, warning, critical\)/,
    ],
    [
      'a source without label',
      { cards: [{ ...validCard, source: { url: 'https://x.example' } }] },
      /\/cards\/0\/source: must have required property 'label'/,
    ],
    [
      'a summary of 140 characters',
      { cards: [{ ...validCard, summary: 'x'.repeat(140) }] },
      /\/cards\/0\/summary: must NOT have more than 139 characters/,
    ],
    [
      'suggestions without selectionBehavior',
      { cards: [{ ...validCard, suggestions: [{ label: 's' }] }] },
      /\/cards\/0: must have property selectionBehavior when property suggestions is present/,
    ],
    [
      'a create action without resource',
      {
        cards: [
          {
            ...validCard,
            selectionBehavior: 'any',
            suggestions: [{ label: 's', actions: [{ type: 'create', description: 'd' }] }],
          },
        ],
      },
      /actions\/0: must have required property 'resource'/,
    ],
    [
      'a link of an unknown type',
      {
        cards: [
          { ...validCard, links: [{ label: 'l', url: 'https://x.example', type: 'relative' }] },
        ],
      },
      /\/cards\/0\/links\/0\/type/,
    ],
    [
      'an override reason without display',
      { cards: [{ ...validCard, overrideReasons: [{ code: 'c' }] }] },
      /overrideReasons\/0: must have required property 'display'/,
    ],
    [
      'a null detail',
      { cards: [{ ...validCard, detail: null }] },
      /\/cards\/0\/detail: must be string/,
    ],
  ])('rejects %s, naming the field', (_what, doc, problem) => {
    const problems = cardProblems(doc);
    expect(problems.join('\n')).toMatch(problem);
  });
});

/** A hook call's body, as the test reads it. */
interface Call {
  hook: string;
  hookInstance: string;
  context: Record<string, unknown> & { draftOrders?: { entry: { resource: Resource }[] } };
  prefetch?: Record<string, unknown>;
}

describe('journeys derived from discovery', () => {
  const discovery = {
    services: [
      {
        hook: 'patient-view',
        id: 'patient-greeting',
        description: 'greets',
        prefetch: {
          patient: 'Patient/{{context.patientId}}',
          meds: 'MedicationRequest?patient={{context.patientId}}',
        },
      },
      { hook: 'order-sign', id: 'dose check', description: 'checks' },
    ],
  };

  it('checks the discovery document itself', () => {
    expect(discoveryProblems(discovery)).toEqual([]);
    expect(discoveryProblems({ services: [{ hook: 'patient-view', id: 'x' }] })).toEqual([
      "/services/0: must have required property 'description'",
    ]);
    expect(cdsJourneys({ resourceType: 'CapabilityStatement' })).toBeUndefined();
  });

  it('calls each service with hook, a fresh hookInstance, context and its own prefetch', () => {
    const d = cdsJourneys(discovery)!;
    expect(describeDerivation(d)).toBe(
      'journeys from CDS Hooks discovery: 2 services (patient-greeting on patient-view, dose check on order-sign)',
    );
    expect(d.journeys.map((j) => `${j.method} ${j.path} ${j.conforms}`)).toEqual([
      'GET /cds-services cds-hooks-discovery',
      'POST /cds-services/patient-greeting cds-hooks-response',
      'POST /cds-services/dose%20check cds-hooks-response',
    ]);
    const canaries = makeCanaries('0123456789');
    const fill = { run: 'rc1', seq: 1, canaries };
    const a = JSON.parse(prepare(d.journeys[1]!, fill).body!.toString()) as Call;
    const b = JSON.parse(prepare(d.journeys[1]!, { ...fill, seq: 2 }).body!.toString()) as Call;
    expect(a.hook).toBe('patient-view');
    expect(a.hookInstance).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.hookInstance).not.toBe(a.hookInstance);
    expect(a.context).toEqual({
      userId: 'Practitioner/rh-practitioner-rc1',
      patientId: 'rh-patient-rc1',
      encounterId: 'rh-encounter-rc1',
    });
    // The canaries ride in prefetch: the name, MRN, birth date, phone and e-mail.
    expect(a.prefetch?.patient).toMatchObject({
      resourceType: 'Patient',
      id: 'rh-patient-rc1',
      name: [{ family: canaries.patient_name }],
      identifier: [{ value: canaries.mrn }],
      birthDate: canaries.birth_date,
      telecom: [{ value: canaries.phone }, { value: canaries.email }],
    });
    expect(a.prefetch?.meds).toBeNull();
    const sign = JSON.parse(prepare(d.journeys[2]!, fill).body!.toString()) as Call;
    expect(sign.context.draftOrders?.entry[0]?.resource.resourceType).toBe('MedicationRequest');
    expect(sign.prefetch).toBeUndefined();
  });

  it('gives every known hook its context, and a generic one to others', () => {
    expect(hookContext('order-select').context).toHaveProperty('selections');
    expect(hookContext('appointment-book').context).toHaveProperty('appointments');
    expect(hookContext('made-up-hook')).toMatchObject({
      known: false,
      context: { patientId: PATIENT_ID },
    });
    expect(fillBody(syntheticRecord()[0], { run: 'r', seq: 1 })).toMatchObject({
      id: 'rh-patient-r',
    });
  });
});

describe('conformance tally', () => {
  it('counts answers that do not conform, with the journey and the problem', () => {
    const t = new ConformanceTally();
    const j = {
      name: 'cds:x',
      method: 'POST',
      path: '/',
      expect: [200],
      weight: 1,
      conforms: 'cds-hooks-response' as const,
    };
    t.record(j, JSON.stringify({ cards: [validCard] }), 'r1');
    t.record(j, JSON.stringify({ cards: [{ summary: 's', source: { label: 'l' } }] }), 'r2');
    t.record(j, 'not json', 'r1');
    expect(t.checked).toBe(3);
    expect(t.invalid).toBe(2);
    expect(t.examples).toEqual([
      {
        journey: 'cds:x',
        replica: 'r2',
        problems: ["/cards/0: must have required property 'indicator'"],
      },
      { journey: 'cds:x', replica: 'r1', problems: ['/: the answer is not JSON'] },
    ]);
  });
});

describe('where derived journeys take part', () => {
  const plan = { services: [] } as unknown as Plan;
  const service = {
    name: 'cds',
    image: { tag: 'vendor/cds:1' },
    probe: { path: '/', port: 8080 },
  } as unknown as ServicePlan;
  const derived = {
    journeys: cdsJourneys({ services: [{ hook: 'patient-view', id: 'g', description: 'd' }] })!
      .journeys,
    derivedFrom: 'journeys from CDS Hooks discovery: 1 service (g on patient-view)',
    origin: 'cds-hooks' as const,
    cds: cdsJourneys({ services: [] })!,
  };

  it('replace the health reads of a task that declares no journeys', () => {
    const spec = taskTrafficSpec(plan, service, undefined, derived);
    expect(spec.origin).toBe('cds-hooks');
    expect(spec.derivedFrom).toBe(derived.derivedFrom);
    expect(spec.journeys.map((j) => j.name)).toEqual(['cds:discovery', 'cds:g']);
    expect(derivable(service, undefined)).toBe(true);
  });

  it("give way to an overlay's traffic.journeys", () => {
    const overlays = {
      cds: {
        traffic: {
          journeys: [{ name: 'mine', method: 'GET', path: '/x', expect: [200], weight: 1 }],
        },
      },
    };
    expect(derivable(service, overlays)).toBe(false);
    const spec = taskTrafficSpec(plan, service, overlays, derived);
    expect(spec.origin).toBe('declared');
    expect(spec.journeys.map((j) => j.name)).toEqual(['mine']);
  });

  it('are not asked of the reference service, which has its own API', () => {
    const reference = { ...service, image: { tag: REFERENCE_SERVICE_IMAGE } } as ServicePlan;
    expect(derivable(reference, undefined)).toBe(false);
    expect(taskTrafficSpec(plan, reference, undefined, derived).origin).toBe('reference');
  });
});
