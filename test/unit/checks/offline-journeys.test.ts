import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  offlineRequests,
  parseOfflineJourneys,
  sendOfflineJourneys,
} from '../../../sandbox/checks/facts/offline-journeys.js';
import { makeCanaries } from '../../../sandbox/traffic/canary.js';
import { resolveTraffic } from '../../../sandbox/traffic/journeys.js';
import type { TrafficDeclaration } from '../../../sandbox/declaration/types.js';

/** The notes service's declared traffic, as its rehearsal.yaml has it. */
const declared = {
  journeys: [
    {
      name: 'create',
      method: 'POST',
      path: '/notes',
      body: { text: 'seen {patient_name}, key {key}' },
      expect: [201],
      weight: 1,
      write: {
        key: '{run}-{seq}',
        id: '/id',
        read: { method: 'GET', path: '/notes/{id}', expect: [200], weight: 1 },
        verify: { path: '/notes/{id}' },
      },
    },
    { name: 'list', method: 'GET', path: '/notes?q={run}', expect: [200], weight: 2 },
  ],
} as unknown as TrafficDeclaration;

describe('the offline phase sends the task spec', () => {
  it("sends each declared journey once, filled as the generator fills them, with the write's read-back", () => {
    const spec = resolveTraffic(declared, { reference: false, healthPath: '/health' });
    const canaries = makeCanaries('abcde');
    const [create, list] = offlineRequests(spec, 'offrun', canaries);
    expect(create).toMatchObject({
      name: 'create',
      method: 'POST',
      path: '/notes',
      headers: { 'content-type': 'application/json' },
      expect: [201],
      read: { id: '/id', method: 'GET', path: '/notes/{id}', expect: [200] },
    });
    expect(JSON.parse(Buffer.from(create!.body!, 'base64').toString())).toEqual({
      text: `seen ${canaries.patient_name}, key offrun-1`,
    });
    expect(list).toMatchObject({ name: 'list', method: 'GET', path: '/notes?q=offrun' });
    expect(list!.body).toBeUndefined();
  });

  it('sends them as the edge would (its Host, https forwarded), reading a write back by its id', async () => {
    const seen: string[] = [];
    const framing: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers['x-forwarded-proto']}`);
      // A body with its length, never chunked: Python's http.server reads no chunked body.
      if (req.method === 'POST')
        framing.push(`${req.headers['content-length']} ${req.headers['transfer-encoding']}`);
      if (req.method === 'POST') res.writeHead(201).end('{"id":"n/1"}');
      else if (req.url === '/notes/n%2F1') res.writeHead(200).end('{}');
      else res.writeHead(503).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const spec = resolveTraffic(declared, { reference: false, healthPath: '/health' });
      const requests = offlineRequests(spec, 'offrun', makeCanaries('abcde'));
      const run = promisify(execFile);
      const results = await sendOfflineJourneys(
        async ([cmd, ...args]) => ({
          output: (await run(cmd === 'node' ? process.execPath : cmd!, args)).stdout.split('\n'),
        }),
        url,
        'notes.rehearsal.localhost:8443',
        requests,
      );
      expect(results).toEqual([
        { name: 'create', status: '201', ok: true },
        { name: 'create:read', status: '200', ok: true },
        { name: 'list', status: '503', ok: false },
      ]);
      expect(seen).toEqual([
        'POST /notes notes.rehearsal.localhost:8443 https',
        'GET /notes/n%2F1 notes.rehearsal.localhost:8443 https',
        'GET /notes?q=offrun notes.rehearsal.localhost:8443 https',
      ]);
      expect(framing).toEqual([
        `${requests[0]!.body ? Buffer.from(requests[0]!.body, 'base64').length : 0} undefined`,
      ]);
    } finally {
      server.close();
    }
  });

  it("reads the sender's result lines and nothing else", () => {
    expect(
      parseOfflineJourneys([
        '{"name":"create","status":"201","ok":true}',
        '(node:1) ExperimentalWarning: …',
        '{"name":"create:read","status":"ECONNREFUSED","ok":false}',
      ]),
    ).toEqual([
      { name: 'create', status: '201', ok: true },
      { name: 'create:read', status: 'ECONNREFUSED', ok: false },
    ]);
  });
});
