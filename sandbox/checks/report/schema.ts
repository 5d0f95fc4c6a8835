/**
 * JSON Schema (2020-12) of `report.json`: `rehearsal check --report DIR` writes it next to the
 * report as `report.schema.json`, so a CI system can validate what it reads.
 */
const verdict = { enum: ['pass', 'fail', 'warn', 'not-applicable', 'not-checked'] };
const text = { type: 'string' };
const COUNTS = ['pass', 'fail', 'warn', 'not-applicable', 'not-checked', 'mustFailed'];
const summary = {
  type: 'object',
  additionalProperties: false,
  required: COUNTS,
  properties: Object.fromEntries(COUNTS.map((k) => [k, { type: 'integer', minimum: 0 }])),
};

export const REPORT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://rehearsal.dev/schemas/rehearsal-check-1.json',
  title: 'Rehearsal check report',
  type: 'object',
  additionalProperties: false,
  required: [
    'schema',
    'tool',
    'product',
    'declaration',
    'profile',
    'sandbox',
    'startedAt',
    'finishedAt',
    'durationMs',
    'results',
    'summary',
    'timeline',
  ],
  properties: {
    schema: { const: 'rehearsal-check/1' },
    tool: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      properties: { name: { const: 'rehearsal' }, version: text },
    },
    product: text,
    declaration: {
      type: 'object',
      additionalProperties: false,
      required: ['file', 'sha256'],
      properties: { file: text, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    },
    profile: { enum: ['hspc-2016', 'hl7-hsp-r2'] },
    sandbox: text,
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'integer', minimum: 0 },
    results: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'title',
          'words',
          'severity',
          'matters',
          'fix',
          'verdict',
          'did',
          'evidence',
          'ms',
        ],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9-]+$' },
          title: text,
          words: text,
          severity: { enum: ['MUST', 'SHOULD'] },
          matters: text,
          fix: text,
          profiles: { type: 'object', additionalProperties: text },
          verdict,
          did: text,
          evidence: { type: 'array', items: text },
          why: text,
          ms: { type: 'integer', minimum: 0 },
        },
        // A verdict other than pass always says why.
        if: {
          properties: { verdict: { enum: ['fail', 'warn', 'not-applicable', 'not-checked'] } },
        },
        then: { required: ['why'] },
      },
    },
    summary,
    profiles: {
      description:
        'The same facts judged under each other requirement profile: its summary and the requirements whose verdict differs.',
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['profile', 'summary', 'differences'],
        properties: {
          profile: text,
          summary,
          differences: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'title', 'severity', 'verdict'],
              properties: {
                id: text,
                title: text,
                severity: { enum: ['MUST', 'SHOULD'] },
                verdict,
                why: text,
                note: text,
              },
            },
          },
        },
      },
    },
    timeline: {
      type: 'array',
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['at', 'kind', 'ok', 'failed', 'p99Ms'],
            properties: {
              at: { type: 'integer' },
              kind: { const: 'traffic' },
              ok: { type: 'integer' },
              failed: { type: 'integer' },
              p99Ms: { type: 'number' },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['at', 'kind', 'container', 'bytes', 'limitBytes'],
            properties: {
              at: { type: 'integer' },
              kind: { const: 'memory' },
              container: text,
              bytes: { type: 'number' },
              limitBytes: { type: 'number' },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['at', 'kind', 'text'],
            properties: { at: { type: 'integer' }, kind: { const: 'action' }, text },
          },
        ],
      },
    },
  },
} as const;
