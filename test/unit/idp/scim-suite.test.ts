import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScimSuite } from '../../../idp/scim/suite.js';
import { ROOT } from '../../helpers/cli.js';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
interface ScimModule {
  memoryStore(): unknown;
  createScim(o: { token: string; store: unknown; quirks?: Record<string, boolean> }): {
    handle(
      req: IncomingMessage,
      url: { searchParams: URLSearchParams },
      rest?: string,
    ): Promise<Reply>;
  };
}
const service = join(ROOT, 'templates/reference-service');
const scim = (await import(pathToFileURL(join(service, 'scim.mjs')).href)) as ScimModule;
const http = (await import(pathToFileURL(join(service, 'http.mjs')).href)) as {
  send(res: ServerResponse, status: number, body?: unknown, headers?: Record<string, string>): void;
};

const servers: Server[] = [];
/** The reference service's SCIM endpoint alone, in memory, on 127.0.0.1. */
async function serve(quirks?: Record<string, boolean>): Promise<string> {
  const api = scim.createScim({
    token: 'T0KEN',
    store: scim.memoryStore(),
    ...(quirks ? { quirks } : {}),
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    void api
      .handle(req, url, url.pathname.slice('/scim/v2'.length))
      .then((r) => http.send(res, r.status, r.body, r.headers));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
}
afterAll(() => servers.forEach((s) => s.close()));

const failed = (r: Awaited<ReturnType<typeof runScimSuite>>) =>
  r.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.detail}`);

describe('the SCIM conformance suite', () => {
  it('passes against the reference service, in both dialects, with evidence for every check', async () => {
    const baseUrl = await serve();
    for (const dialect of ['standard', 'entra'] as const) {
      const results = await runScimSuite({ baseUrl, token: 'T0KEN', dialect });
      expect(failed(results)).toEqual([]);
      expect(results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual(['bulk']);
      expect(results.every((r) => r.evidence.length > 0 || r.status === 'skip')).toBe(true);
      expect(JSON.stringify(results)).not.toContain('T0KEN');
    }
  });

  it('fails a broken service exactly on paging before filtering, no 409 and the wrong error body', async () => {
    const baseUrl = await serve({
      pageBeforeFilter: true,
      allowDuplicates: true,
      plainErrors: true,
    });
    const results = await runScimSuite({ baseUrl, token: 'T0KEN' });
    expect(results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([
      'paging',
      'duplicate',
      'not-found',
    ]);
    expect(failed(results).join('\n')).toMatch(
      /pages before it filters[\s\S]*not 409[\s\S]*lacks the schema/,
    );
  });

  it('refuses a wrong token with 401', async () => {
    const results = await runScimSuite({ baseUrl: await serve(), token: 'wrong' });
    expect(results[0]?.evidence[0]?.response.status).toBe(401);
  });
});
