/**
 * The synthetic patient a derived CDS Hooks call is about, and the hook context around it. The
 * patient carries the run's canaries as journey placeholders (`{patient_name}`, `{mrn}`,
 * `{birth_date}`, `{phone}`, `{email}`, filled per request), so they ride in context and
 * prefetch exactly where a real EHR would put a patient's identifiers.
 */
import type { Resource } from './prefetch.js';

export const PATIENT_ID = 'rh-patient-{run}';
export const ENCOUNTER_ID = 'rh-encounter-{run}';
export const PRACTITIONER_ID = 'rh-practitioner-{run}';
const ORDER_ID = 'rh-order-{run}';

/** The resources the sandbox's client "holds": a patient, the encounter and the user. */
export function syntheticRecord(): Resource[] {
  return [
    {
      resourceType: 'Patient',
      id: PATIENT_ID,
      active: true,
      identifier: [
        {
          type: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }],
          },
          system: 'urn:oid:2.16.840.1.113883.19.5.99999.1',
          value: '{mrn}',
        },
      ],
      name: [{ use: 'official', family: '{patient_name}', given: ['Rehearsal'] }],
      telecom: [
        { system: 'phone', value: '{phone}', use: 'home' },
        { system: 'email', value: '{email}' },
      ],
      gender: 'unknown',
      birthDate: '{birth_date}',
    },
    {
      resourceType: 'Encounter',
      id: ENCOUNTER_ID,
      status: 'in-progress',
      class: {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'AMB',
        display: 'ambulatory',
      },
      subject: { reference: `Patient/${PATIENT_ID}` },
    },
    {
      resourceType: 'Practitioner',
      id: PRACTITIONER_ID,
      active: true,
      name: [{ family: 'Rehearsal', given: ['Dana'], prefix: ['Dr'] }],
    },
  ];
}

/** A draft order, for the order hooks' `draftOrders`. */
function draftOrder(): Resource {
  return {
    resourceType: 'MedicationRequest',
    id: ORDER_ID,
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: {
      coding: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '313782',
          display: 'Acetaminophen 325 MG Oral Tablet',
        },
      ],
    },
    subject: { reference: `Patient/${PATIENT_ID}` },
    encounter: { reference: `Encounter/${ENCOUNTER_ID}` },
  };
}

const bundle = (resources: Resource[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: resources.map((resource) => ({ resource })),
});

/**
 * The context of a hook call, per the hook's definition (hooks of CDS Hooks' registry). A hook
 * Rehearsal does not know gets `userId`, `patientId` and `encounterId`, and `known` is false.
 */
export function hookContext(hook: string): { context: Record<string, unknown>; known: boolean } {
  const base = {
    userId: `Practitioner/${PRACTITIONER_ID}`,
    patientId: PATIENT_ID,
    encounterId: ENCOUNTER_ID,
  };
  switch (hook) {
    case 'patient-view':
    case 'encounter-start':
    case 'encounter-discharge':
      return { context: base, known: true };
    case 'order-select':
      return {
        context: {
          ...base,
          selections: [`MedicationRequest/${ORDER_ID}`],
          draftOrders: bundle([draftOrder()]),
        },
        known: true,
      };
    case 'order-sign':
      return { context: { ...base, draftOrders: bundle([draftOrder()]) }, known: true };
    case 'order-dispatch':
      return {
        context: {
          patientId: PATIENT_ID,
          dispatchedOrders: [`MedicationRequest/${ORDER_ID}`],
          performer: `Practitioner/${PRACTITIONER_ID}`,
        },
        known: true,
      };
    case 'appointment-book':
      return {
        context: {
          ...base,
          appointments: bundle([
            {
              resourceType: 'Appointment',
              id: 'rh-appointment-{run}',
              status: 'proposed',
              participant: [
                { actor: { reference: `Patient/${PATIENT_ID}` }, status: 'needs-action' },
              ],
            },
          ]),
        },
        known: true,
      };
    default:
      return { context: base, known: false };
  }
}
