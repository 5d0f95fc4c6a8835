/**
 * CDS Hooks 2.0 as JSON Schema: the discovery document and the service response (cards and
 * system actions), field by field from the specification (https://cds-hooks.hl7.org/2.0/):
 * what it calls REQUIRED is required here, its allowed values are enums, and "SHALL NOT be null
 * or empty" is a minimum length. Validated with ajv; every problem names its JSON pointer.
 */
import type { ErrorObject } from 'ajv';
import { createAjv } from '../../declaration/ajv.js';

const text = { type: 'string', minLength: 1 } as const;
const url = { type: 'string', format: 'uri' } as const;

/** Coding (2.0): `code` REQUIRED, `system` and `display` strings. */
const coding = {
  type: 'object',
  required: ['code'],
  properties: { code: text, system: text, display: text },
} as const;

/** Action: type create|update|delete and a description; a resource for create and update. */
const action = {
  type: 'object',
  required: ['type', 'description'],
  properties: {
    type: { enum: ['create', 'update', 'delete'] },
    description: text,
    resource: { type: 'object', required: ['resourceType'] },
    resourceId: text,
  },
  allOf: [
    {
      if: { properties: { type: { enum: ['create', 'update'] } }, required: ['type'] },
      then: { required: ['resource'] },
    },
  ],
} as const;

const card = {
  type: 'object',
  required: ['summary', 'indicator', 'source'],
  properties: {
    uuid: text,
    // "One-sentence, <140-character summary".
    summary: { type: 'string', minLength: 1, maxLength: 139 },
    detail: text,
    indicator: { enum: ['info', 'warning', 'critical'] },
    source: {
      type: 'object',
      required: ['label'],
      properties: { label: text, url, icon: url, topic: coding },
    },
    suggestions: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['label'],
        properties: {
          label: text,
          uuid: text,
          isRecommended: { type: 'boolean' },
          actions: { type: 'array', minItems: 1, items: action },
        },
      },
    },
    selectionBehavior: { enum: ['at-most-one', 'any'] },
    // "the CDS Service MUST populate a display value for each reason's Coding".
    overrideReasons: {
      type: 'array',
      minItems: 1,
      items: { ...coding, required: ['code', 'display'] },
    },
    links: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['label', 'url', 'type'],
        properties: {
          label: text,
          url,
          type: { enum: ['absolute', 'smart'] },
          appContext: text,
        },
      },
    },
  },
  // "If suggestions are present, selectionBehavior MUST also be provided."
  dependencies: { suggestions: ['selectionBehavior'] },
} as const;

/** The answer to a hook call: `cards` REQUIRED (maybe empty), `systemActions` OPTIONAL. */
export const CDS_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['cards'],
  properties: {
    cards: { type: 'array', items: card },
    systemActions: { type: 'array', minItems: 1, items: action },
  },
} as const;

/** GET {base}/cds-services: `services`, each with hook, id and description REQUIRED. */
export const CDS_DISCOVERY_SCHEMA = {
  type: 'object',
  required: ['services'],
  properties: {
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['hook', 'id', 'description'],
        properties: {
          hook: text,
          id: text,
          title: text,
          description: text,
          prefetch: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
          usageRequirements: text,
        },
      },
    },
  },
} as const;

const ajv = createAjv({ strict: false });
const checkResponse = ajv.compile(CDS_RESPONSE_SCHEMA);
const checkDiscovery = ajv.compile(CDS_DISCOVERY_SCHEMA);

/** One line per problem: "/cards/0/indicator: must be equal to one of the allowed values (…)". */
function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const allowed =
      e.keyword === 'enum'
        ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
        : '';
    return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${allowed}`;
  });
}

/** The problems of a hook call's answer against the cards schema; none when it conforms. */
export function cardProblems(doc: unknown): string[] {
  return checkResponse(doc) ? [] : describe(checkResponse.errors);
}

/** The problems of a discovery document; none when it conforms. */
export function discoveryProblems(doc: unknown): string[] {
  return checkDiscovery(doc) ? [] : describe(checkDiscovery.errors);
}
