import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseCapture,
  summarise,
  type ReplicaNetwork,
} from '../../../sandbox/checks/facts/netwatch.js';
import type { Facts } from '../../../sandbox/checks/facts/types.js';
import type { OfflineTask } from '../../../sandbox/checks/facts/offline.js';
import { NETWORK_CHECKS } from '../../../sandbox/checks/network-checks.js';
import { oneTaskFacts } from './one-task.js';

// Captured by tcpdump 4.99.3 (Debian bookworm) with sandbox/checks/facts/netwatch.ts's CAPTURE
// command: a SYN to 127.0.0.1:9, one to [::1]:5999, and a DNS question for
// telemetry.reference-vendor.invalid sent to 127.0.0.11 on a NATed port, as Docker's resolver gets it.
const CAPTURED = readFileSync(new URL('tcpdump-any.txt', import.meta.url), 'utf8').split('\n');
// The same format for a replica's eth0: its own SYNs out, and the edge connecting in.
const ETH0 = [
  '1795690900.100000 eth0  Out IP 172.20.0.5.40100 > 172.20.0.3.5432: Flags [S], seq 1, win 64240, length 0',
  '1795690900.200000 eth0  Out IP 172.20.0.5.40102 > 172.20.0.1.9: Flags [S], seq 1, win 64240, length 0',
  '1795690900.300000 eth0  In  IP 172.20.0.4.51000 > 172.20.0.5.8080: Flags [S], seq 1, win 64240, length 0',
  '1795690900.400000 eth0  Out IP 172.20.0.5.40104 > 172.20.0.3.5432: Flags [S], seq 1, win 64240, length 0',
  // Seen twice (two interfaces): one attempt.
  '1795690900.400001 br0   P   IP 172.20.0.5.40104 > 172.20.0.3.5432: Flags [S], seq 1, win 64240, length 0',
  // Another container's SYN, as a capture outside the replica's namespace would show it.
  '1795690900.500000 veth1 Out IP 172.20.0.4.51002 > 172.20.0.7.8080: Flags [S], seq 1, win 64240, length 0',
];
const MAP = {
  addresses: { '172.20.0.3': 'database', '172.20.0.4': 'proxy', '172.20.0.6': 'collector' },
  names: ['database', 'collector', 'proxy', 'api.rehearsal.localhost'],
};

describe('the capture of a replica', () => {
  it('reads DNS questions from the hex of datagrams sent to the NATed resolver, and leaves loopback SYNs out', () => {
    expect(parseCapture(CAPTURED)).toEqual([
      { kind: 'dns', name: 'telemetry.reference-vendor.invalid' },
    ]);
  });

  it('keeps outgoing SYNs only (not a peer connecting in), counted per destination and named', () => {
    const n = summarise(
      's-api-1',
      30_000,
      parseCapture([...ETH0, ...CAPTURED], ['172.20.0.5']),
      MAP,
    );
    expect(n.connections).toEqual([
      { address: '172.20.0.3', port: 5432, service: 'database', attempts: 2 },
      { address: '172.20.0.1', port: 9, attempts: 1 },
    ]);
    expect(n.lookups).toEqual([{ name: 'telemetry.reference-vendor.invalid', queries: 1 }]);
  });
});

function facts(replicas: ReplicaNetwork[], over: Partial<Facts> = {}): Facts {
  return oneTaskFacts({ network: { replicas } }, over);
}

const inside: ReplicaNetwork = {
  replica: 's-api-1',
  ms: 30_000,
  connections: [
    { address: '172.20.0.3', port: 5432, service: 'database', attempts: 3 },
    { address: '172.20.0.6', port: 4318, service: 'collector', attempts: 2 },
  ],
  lookups: [
    { name: 'database', sandbox: 'database', queries: 2 },
    { name: 'collector', sandbox: 'collector', queries: 1 },
  ],
};
const goodCitizen = NETWORK_CHECKS['good-citizen']!;

describe('Good citizen', () => {
  it("passes when every connection and lookup is the sandbox's own, listing them", () => {
    const f = goodCitizen(facts([inside]));
    expect(f.verdict).toBe('pass');
    expect(f.evidence).toEqual([
      's-api-1 (watched 30 s): connections database:5432 ×3, collector:4318 ×2; DNS lookups database ×2, collector ×1',
    ]);
  });

  it('fails on a connection outside the sandbox', () => {
    const f = goodCitizen(
      facts([
        {
          ...inside,
          connections: [...inside.connections, { address: '172.20.0.1', port: 9, attempts: 4 }],
        },
      ]),
    );
    expect(f.verdict).toBe('fail');
    expect(f.why).toBe('connections nobody declared: s-api-1 tried 172.20.0.1:9');
    expect(f.evidence[0]).toMatch(/172\.20\.0\.1:9 ×4 \(outside the sandbox\)/);
  });

  it('fails on a lookup of a name outside the sandbox, even when no connection followed', () => {
    const f = goodCitizen(
      facts([{ ...inside, lookups: [{ name: 'telemetry.vendor.example', queries: 3 }] }]),
    );
    expect(f).toMatchObject({
      verdict: 'fail',
      why: 'connections nobody declared: s-api-1 tried lookup of telemetry.vendor.example',
    });
  });

  it('is not checked when no observer could run, or the sandbox never came up', () => {
    expect(
      goodCitizen(
        facts([
          {
            ...inside,
            connections: [],
            lookups: [],
            error: 'the network observer did not start: x',
          },
        ]),
      ).verdict,
    ).toBe('not-checked');
    expect(goodCitizen(facts([]))).toMatchObject({
      verdict: 'not-checked',
      why: 'no replica was watched',
    });
    expect(goodCitizen(facts([inside], { bootstrap: { ok: false, ms: 1 } })).verdict).toBe(
      'not-checked',
    );
  });
});

const offlineFriendly = NETWORK_CHECKS['offline-friendly']!;
const offlineTask = (over: Partial<OfflineTask> = {}): OfflineTask => ({
  task: 'api',
  replica: 's-api-offline-1',
  healthy: true,
  ms: 4200,
  detail: 'GET /health → 200',
  smoke: { exitCode: 0, output: ['ok'], timedOut: false },
  network: { ...inside, replica: 's-api-offline-1' },
  ...over,
});
const offline = (tasks: OfflineTask[], error?: string): Facts =>
  oneTaskFacts({}, { offline: { network: 's_offline', tasks, ...(error ? { error } : {}) } });

describe('Offline friendly', () => {
  it('passes when the task bootstraps and passes its smoke test with no route out', () => {
    const f = offlineFriendly(offline([offlineTask()]));
    expect(f.verdict).toBe('pass');
    expect(f.evidence[0]).toBe(
      's-api-offline-1: healthy after 4.2 s (GET /health → 200); smoke test exit code 0',
    );
  });

  it('fails when it never becomes healthy, listing what it tried to reach', () => {
    const f = offlineFriendly(
      offline([
        offlineTask({
          healthy: false,
          ms: 90_000,
          detail: 'GET /health → 503',
          network: {
            ...inside,
            lookups: [{ name: 'licence.reference-vendor.invalid', queries: 80 }],
          },
        }),
      ]),
    );
    expect(f.verdict).toBe('fail');
    expect(f.why).toBe(
      'api did not become healthy without a route out (it tried lookup of licence.reference-vendor.invalid): GET /health → 503',
    );
  });

  it('fails when the smoke test fails offline', () => {
    const f = offlineFriendly(
      offline([offlineTask({ smoke: { exitCode: 1, output: [], timedOut: false } })]),
    );
    expect(f).toMatchObject({
      verdict: 'fail',
      why: "api's smoke test failed offline (exit code 1)",
    });
  });

  it('leaves a smoke test that fails online too to Programmatically verifiable', () => {
    const failing = { exitCode: 1, output: [], timedOut: false };
    const f = offline([offlineTask({ smoke: failing })]);
    f.tasks[0]!.smoke = { command: ['smoke'], ms: 1, ...failing };
    expect(offlineFriendly(f).verdict).toBe('pass');
  });

  it("fails when a journey served through the edge gets no answer or a 5xx offline; a 4xx or a journey that failed online too is not offline's", () => {
    const journeys = [
      { name: 'create', status: 'ECONNRESET', ok: false },
      { name: 'create:read', status: '404', ok: false },
      { name: 'list', status: '502', ok: false },
      { name: 'health', status: '200', ok: true },
    ];
    const f = offline([offlineTask({ journeys })]);
    f.tasks[0]!.traffic = {
      sent: 40,
      ok: 40,
      failed: 0,
      byReplica: {},
      errors: {},
      answered: ['create', 'create:read', 'health'],
    };
    const judged = offlineFriendly(f);
    expect(judged).toMatchObject({
      verdict: 'fail',
      why: 'api answered create (ECONNRESET) offline, which it served through the edge',
    });
    expect(judged.evidence).toContain(
      's-api-offline-1 journeys offline: create → ECONNRESET, create:read → 404, list → 502, health → 200',
    );
    f.tasks[0]!.traffic.answered = ['health'];
    expect(offlineFriendly(f).verdict).toBe('pass');
  });

  it('is not checked when the phase could not run; judges only the tasks in the facts', () => {
    expect(offlineFriendly(offline([], 'the offline network could not be set up: x')).verdict).toBe(
      'not-checked',
    );
    expect(offlineFriendly(oneTaskFacts({})).verdict).toBe('not-checked');
    expect(offlineFriendly(offline([offlineTask({ task: 'other', healthy: false })])).verdict).toBe(
      'not-applicable',
    );
  });
});
