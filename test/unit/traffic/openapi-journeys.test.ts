import { describe, expect, it } from 'vitest';
import { journeysFromOpenApi, openApiProblem } from '../../../sandbox/traffic/openapi-journeys.js';

/** A small API in the shape of the OpenAPI 3 petstore: refs, allOf, servers, security, params. */
const PETSTORE = {
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1' },
  servers: [{ url: 'https://pets.example.org/v1' }],
  paths: {
    '/pets': {
      get: {
        parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer' } }],
        responses: { '200': { description: 'ok' } },
      },
      post: {
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } },
        },
        responses: {
          '201': {
            description: 'created',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } },
          },
        },
      },
    },
    '/pets/{petId}': {
      parameters: [{ $ref: '#/components/parameters/PetId' }],
      get: { responses: { '200': { description: 'ok' } } },
      delete: { responses: { '204': { description: 'gone' } } },
    },
    '/search': {
      get: {
        parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/admin/stats': {
      get: { security: [{ bearer: [] }], responses: { '200': { description: 'ok' } } },
    },
    '/status': {
      get: { security: [{}, { bearer: [] }], responses: { '204': { description: '' } } },
    },
    '/uploads': {
      post: {
        requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } },
        responses: { '201': { description: 'ok' } },
      },
    },
  },
  components: {
    parameters: {
      PetId: { name: 'petId', in: 'path', required: true, schema: { type: 'string' } },
    },
    schemas: {
      NewPet: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', example: 'Rex' },
          tag: { type: 'string', enum: ['dog', 'cat'] },
          born: { type: 'string', format: 'date' },
          id: { type: 'string', readOnly: true },
        },
      },
      Pet: {
        allOf: [
          { $ref: '#/components/schemas/NewPet' },
          { properties: { id: { type: 'string' } } },
        ],
      },
    },
  },
};

describe('journeys derived from an OpenAPI 3 document', () => {
  const derived = journeysFromOpenApi(PETSTORE);

  it('reads every GET that needs no parameter, under the server path, with its declared success', () => {
    const reads = derived.journeys.filter((j) => !j.write);
    expect(reads.map((j) => [j.path, j.expect])).toEqual([
      ['/v1/pets', [200]],
      ['/v1/status', [204]],
    ]);
  });

  it('pairs the POST whose answer has an id with the GET of one item, and samples its body', () => {
    const write = derived.journeys.find((j) => j.write);
    expect(write).toMatchObject({
      method: 'POST',
      path: '/v1/pets',
      expect: [201],
      write: {
        id: '/id',
        read: { path: '/v1/pets/{id}', expect: [200] },
        verify: { path: '/v1/pets/{id}' },
      },
    });
    // The example and the first enum value; a read-only id is not sent.
    expect(write?.body).toMatchObject({ name: 'Rex', tag: 'dog' });
    expect(write?.body).not.toHaveProperty('id');
    expect((write?.body as { born: string }).born).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(derived.summary).toBe('2 reads, 1 write (POST /pets → GET /pets/{id})');
  });

  it('says why each other operation was left out', () => {
    expect(derived.skipped).toEqual([
      'DELETE /pets/{petId}: only GETs and POST/GET pairs are derived',
      'GET /search: needs query q',
      'GET /admin/stats: needs credentials (bearer)',
      'POST /uploads: no JSON request body',
    ]);
  });

  it('leaves out a POST whose answer carries no id, and one with no item to read back', () => {
    const doc = structuredClone(PETSTORE);
    const created = doc.paths['/pets'].post.responses['201'].content['application/json'] as {
      schema: unknown;
    };
    created.schema = { type: 'object', properties: { name: { type: 'string' } } };
    const noId = journeysFromOpenApi(doc);
    expect(noId.journeys.some((j) => j.write)).toBe(false);
    expect(noId.skipped).toContain('POST /pets: its 201/200 answer has no "id" to read back');
    delete (doc.paths as Record<string, unknown>)['/pets/{petId}'];
    created.schema = { $ref: '#/components/schemas/Pet' };
    expect(journeysFromOpenApi(doc).skipped).toContain(
      'POST /pets: no GET /pets/{id} to read it back',
    );
  });

  it('refuses what is not an OpenAPI 3 document, saying what it is', () => {
    expect(openApiProblem(PETSTORE)).toBeUndefined();
    expect(openApiProblem({ swagger: '2.0', paths: {} })).toMatch(/OpenAPI 2.*only OpenAPI 3/);
    expect(openApiProblem({ openapi: '3.1.0' })).toBe('no "paths" object');
    expect(openApiProblem('<html>')).toBe('not a JSON object');
  });
});
