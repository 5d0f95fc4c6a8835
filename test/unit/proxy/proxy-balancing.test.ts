import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../../proxy/server/proxy.js';
import { clientAgent, get, startReplicas, startTestProxy, type Replica } from './proxy-harness.js';

const IPS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
let replicas: Replica[];
let proxy: RunningProxy;

beforeAll(async () => {
  const started = await startReplicas(IPS);
  replicas = started.replicas;
  proxy = await startTestProxy(started.port, () => IPS);
});

afterAll(async () => {
  await proxy?.close(100);
  await Promise.all(replicas.map((r) => r.kill()));
});

async function spread(headers: Record<string, string>): Promise<number[]> {
  for (const r of replicas) r.served = 0;
  const agent = clientAgent(4);
  // 300 requests, 4 at a time over kept-alive connections: each replica should get 100.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < 300) {
      next++;
      const reply = await get(proxy.edgePort, { agent, headers });
      expect(reply.status).toBe(200);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  agent.destroy();
  return replicas.map((r) => r.served);
}

describe('round robin across replicas', () => {
  it('sends 300 requests as 100 ± 5 to each of 3 replicas', async () => {
    for (const n of await spread({})) expect(Math.abs(n - 100)).toBeLessThanOrEqual(5);
  });

  it('ignores cookies and custom headers (never sticky)', async () => {
    const sticky = { cookie: 'SERVERID=127.0.0.2; session=abc', 'x-session-affinity': 'replica-1' };
    for (const n of await spread(sticky)) expect(Math.abs(n - 100)).toBeLessThanOrEqual(5);
  });

  it('answers an unknown host with 404 and the list of known hosts', async () => {
    const total = (): number => replicas.reduce((n, r) => n + r.served, 0);
    const before = total();
    const reply = await get(proxy.edgePort, { host: 'nope.rehearsal.localhost' });
    expect(reply.status).toBe(404);
    expect(reply.body).toContain('patient-api.rehearsal.localhost');
    expect(total()).toBe(before);
  });
});
