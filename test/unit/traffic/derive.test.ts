import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveTraffic } from '../../../sandbox/traffic/derive.js';
import { HOST, throwawayCert } from '../proxy/proxy-harness.js';

/** A service behind real TLS that serves `docs` (path → JSON) and 404 elsewhere. */
let server: Server | undefined;
async function serve(docs: Record<string, unknown>) {
  const { cert, key } = throwawayCert();
  server = createServer({ cert, key }, (req, res) => {
    const doc = docs[req.url ?? ''];
    if (doc === undefined) res.writeHead(404).end('not here');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { host: HOST, port: (server.address() as AddressInfo).port, ca: cert };
}
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

const NOTES_API = {
  openapi: '3.1.0',
  paths: {
    '/notes': {
      get: { responses: { '200': { description: 'all' } } },
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: { type: 'object', properties: { title: { type: 'string' } } },
            },
          },
        },
        responses: {
          '201': {
            description: 'made',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { id: { type: 'integer' } } },
              },
            },
          },
        },
      },
    },
    '/notes/{n}': { get: { responses: { '200': { description: 'one' } } } },
  },
};

describe('journeys derived from what a running service publishes', () => {
  it('reads the OpenAPI document at /openapi.json when there is no CDS Hooks discovery', async () => {
    const target = await serve({ '/openapi.json': NOTES_API });
    const d = await deriveTraffic(target, 2000);
    expect('derived' in d && d.derived.origin).toBe('openapi');
    if (!('derived' in d)) return;
    expect(d.derived.derivedFrom).toBe(
      'journeys from the OpenAPI document at /openapi.json: 1 read, 1 write (POST /notes → GET /notes/{id})',
    );
    expect(d.derived.journeys.map((j) => `${j.method} ${j.path}`)).toEqual([
      'GET /notes',
      'POST /notes',
    ]);
  });

  it('reads the document where traffic.openapi says', async () => {
    const target = await serve({ '/docs/api.json': NOTES_API });
    const d = await deriveTraffic(target, 2000, '/docs/api.json');
    expect('derived' in d && d.derived.derivedFrom).toMatch(/OpenAPI document at \/docs\/api.json/);
  });

  it('prefers CDS Hooks discovery, and says why nothing was derived when neither answers', async () => {
    const cds = await serve({
      '/cds-services': { services: [{ id: 'hello', hook: 'patient-view', description: 'hi' }] },
      '/openapi.json': NOTES_API,
    });
    const first = await deriveTraffic(cds, 2000);
    expect('derived' in first && first.derived.origin).toBe('cds-hooks');
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const neither = await deriveTraffic(await serve({ '/openapi.json': { swagger: '2.0' } }), 2000);
    expect(neither).toEqual({
      none:
        'GET /cds-services answered 404: not a CDS Hooks service; GET /openapi.json is not an ' +
        'OpenAPI 3 document: Swagger 2.0 (OpenAPI 2): only OpenAPI 3.x is read; convert it, or declare traffic.journeys',
    });
  });
});
