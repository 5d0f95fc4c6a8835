import { mapping } from './schema-parts.js';

export const TRAFFIC_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const;

const status = {
  type: 'integer',
  minimum: 100,
  maximum: 599,
  hint: 'write an HTTP status, e.g. 200',
};
const requestParts = {
  method: { enum: TRAFFIC_METHODS, hint: `use one of ${TRAFFIC_METHODS.join(', ')}` },
  path: {
    type: 'string',
    pattern: '^/',
    hint: 'start the path with "/", e.g. /Patient?name={run}',
  },
  headers: {
    type: 'object',
    additionalProperties: { type: 'string', hint: 'quote the value: header values are strings' },
    hint: 'write a mapping of header names, e.g. headers: { accept: application/json }',
  },
  // A body is any YAML value: a mapping or list is sent as JSON, a string as it is.
  body: {},
  expect: {
    type: ['integer', 'array'],
    minimum: 100,
    maximum: 599,
    items: status,
    minItems: 1,
    hint: 'write the status(es) that mean success, e.g. expect: 201 or expect: [200, 204]',
  },
};
const weight = {
  type: 'integer',
  minimum: 0,
  maximum: 1000,
  hint: 'write how often, relative to the other journeys, e.g. weight: 2 (0 turns it off)',
};
const pointer = (example: string) => ({
  type: 'string',
  pattern: '^(/.*)?$',
  hint: `write a JSON pointer into the answer, e.g. ${example}`,
});
/** A request given as a mapping, or as its path alone (a GET). */
const requestOrPath = (example: string, extra: Record<string, object> = {}) => ({
  type: ['string', 'object'],
  hint: `write a path or a mapping, e.g. ${example}`,
  if: { type: 'string' },
  then: requestParts.path,
  additionalProperties: false,
  properties: { ...requestParts, ...extra },
  required: ['path'],
});
/** `false` turns a default journey off; a mapping declares it. */
const offOr = (example: string, properties: Record<string, object>, required: string[]) => ({
  type: ['boolean', 'object'],
  hint: `write false (off) or a mapping, e.g. ${example}`,
  if: { type: 'boolean' },
  then: { const: false, hint: 'write false to turn it off, or a mapping to declare it' },
  additionalProperties: false,
  properties,
  required,
});

const write = mapping(
  'write: { key: "{run}-{seq}", id: /id, read: "/items/{id}" }',
  {
    key: {
      type: 'string',
      pattern: '\\{seq\\}',
      hint: 'make the key unique per write with {seq}, e.g. key: "{run}-w{seq}"',
    },
    id: pointer('/id'),
    read: requestOrPath('read: "/items/{id}"', { weight }),
    verify: requestOrPath('verify: { path: "/items?key={key}", count: /total }', {
      count: pointer('/total'),
      ids: pointer('/entry/*/resource/id'),
    }),
  },
  ['key', 'id', 'read'],
);

/** `traffic:` in rehearsal.yaml: the journeys `rehearsal chaos` sends through the edge. */
export const TRAFFIC_SCHEMA = mapping(
  'traffic: { journeys: [{ name: list, path: /items }], websocket: { path: /ws } }',
  {
    journeys: {
      type: 'array',
      hint: 'write a list of journeys, e.g. journeys: [{ name: list, path: /items }]',
      items: mapping(
        '{ name: list, method: GET, path: /items, expect: 200, weight: 2 }',
        {
          name: {
            type: 'string',
            pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$',
            hint: 'name the journey with letters, digits, "-", "_" or ".", e.g. name: create-item',
          },
          ...requestParts,
          weight,
          write,
        },
        ['name', 'path'],
      ),
    },
    session: offOr(
      'session: { login: { method: POST, path: /session, token: /token }, check: /session }',
      {
        login: requestOrPath('login: { method: POST, path: /session, token: /token }', {
          token: pointer('/token'),
        }),
        check: requestOrPath('check: /session'),
        uses: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          hint: 'write how many checks one token serves before a new login, e.g. uses: 9',
        },
        weight,
      },
      ['login', 'check'],
    ),
    persona: offOr(
      'persona: { persona: dr-ada, path: /me }',
      {
        persona: {
          type: 'string',
          minLength: 1,
          hint: 'name a persona of the identity provider (templates/idp/personas.yaml), e.g. dr-ada',
        },
        ...requestParts,
        weight,
      },
      ['path'],
    ),
    openapi: {
      type: 'string',
      pattern: '^/',
      hint: 'write the path where the service serves its OpenAPI 3 document, e.g. openapi: /docs/openapi.json',
    },
    websocket: offOr(
      'websocket: { path: /ws }',
      {
        path: requestParts.path,
        sockets: {
          type: 'integer',
          minimum: 1,
          maximum: 50,
          hint: 'write how many sockets to hold open, e.g. sockets: 2',
        },
        interval_ms: {
          type: 'integer',
          minimum: 20,
          maximum: 60000,
          hint: 'write the pause between messages in milliseconds, e.g. interval_ms: 250',
        },
      },
      ['path'],
    ),
  },
);
