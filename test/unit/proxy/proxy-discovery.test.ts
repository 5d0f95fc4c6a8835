import { afterEach, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../../proxy/server/proxy.js';
import {
  admin,
  get,
  SERVICE,
  slowHandler,
  startReplica,
  startReplicas,
  startTestProxy,
  type Replica,
} from './proxy-harness.js';

let replicas: Replica[] = [];
let proxy: RunningProxy | undefined;

afterEach(async () => {
  await proxy?.close(100);
  proxy = undefined;
  await Promise.all(replicas.map((r) => r.kill()));
});

async function until(check: () => boolean, maxMs = 3000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('replica discovery by DNS', () => {
  it('admits a new address only once a TCP connect succeeds', async () => {
    const started = await startReplicas(['127.0.0.2']);
    replicas = started.replicas;
    const listed = ['127.0.0.2', '127.0.0.5']; // .5 is listed but nothing listens there yet
    proxy = await startTestProxy(started.port, () => listed);
    const route = proxy.routes[0]!;
    expect([...route.backends.keys()]).toEqual(['127.0.0.2']);
    replicas.push(await startReplica('127.0.0.5', started.port));
    await until(() => route.backends.get('127.0.0.5')?.state === 'healthy');
    for (const r of replicas) r.served = 0;
    for (let i = 0; i < 10; i++) expect((await get(proxy.edgePort)).status).toBe(200);
    expect(replicas.map((r) => r.served)).toEqual([5, 5]);
  });

  it('lets an address that left DNS finish its in-flight requests, then forgets it', async () => {
    const started = await startReplicas(['127.0.0.2', '127.0.0.3'], slowHandler(300));
    replicas = started.replicas;
    let listed = ['127.0.0.2', '127.0.0.3'];
    proxy = await startTestProxy(started.port, () => listed);
    const route = proxy.routes[0]!;
    const inFlight = [get(proxy.edgePort), get(proxy.edgePort)]; // one on each replica
    await until(() => replicas.every((r) => r.pending === 1));
    listed = ['127.0.0.2'];
    await until(() => route.backends.get('127.0.0.3')?.state === 'draining');
    expect(route.backends.get('127.0.0.3')?.inFlight).toBe(1);
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200]);
    await until(() => !route.backends.has('127.0.0.3'));
    expect([...route.backends.keys()]).toEqual(['127.0.0.2']);
  });

  it('never admits a replica drained before discovery saw it, and forgets it once it leaves DNS', async () => {
    const started = await startReplicas(['127.0.0.2']);
    replicas = started.replicas;
    let listed = ['127.0.0.2'];
    // Refreshes only when asked, so the drain surely comes before discovery sees the replica.
    proxy = await startTestProxy(started.port, () => listed, {
      discovery: { intervalMs: 600_000, probeIntervalMs: 50 },
    });
    const route = proxy.routes[0]!;
    replicas.push(await startReplica('127.0.0.6', started.port));
    listed = ['127.0.0.2', '127.0.0.6']; // DNS lists it; the edge has not refreshed yet
    const drained = await admin(proxy, 'POST', '/drain', { service: SERVICE, ip: '127.0.0.6' });
    expect(drained.status).toBe(200);
    await admin(proxy, 'POST', '/refresh');
    await new Promise((r) => setTimeout(r, 300)); // several probes
    expect(route.backends.get('127.0.0.6')?.state).toBe('draining');
    for (const r of replicas) r.served = 0;
    for (let i = 0; i < 6; i++) expect((await get(proxy.edgePort)).status).toBe(200);
    expect(replicas.map((r) => r.served)).toEqual([6, 0]);
    listed = ['127.0.0.2'];
    await admin(proxy, 'POST', '/refresh');
    expect([...route.backends.keys()]).toEqual(['127.0.0.2']);
  });

  it('admits a new replica at a drained replica’s address once the sandbox says the old one is gone', async () => {
    // Docker hands a freed address to the next container at once; DNS may never show the gap.
    const started = await startReplicas(['127.0.0.2', '127.0.0.7']);
    replicas = started.replicas;
    const listed = ['127.0.0.2', '127.0.0.7'];
    proxy = await startTestProxy(started.port, () => listed, {
      discovery: { intervalMs: 50, probeIntervalMs: 20 },
    });
    const route = proxy.routes[0]!;
    await until(() => route.backends.get('127.0.0.7')?.state === 'healthy');
    expect(
      (await admin(proxy, 'POST', '/drain', { service: SERVICE, ip: '127.0.0.7' })).status,
    ).toBe(200);
    await replicas[1]!.kill();
    replicas.push(await startReplica('127.0.0.7', started.port)); // the next container, same address
    await new Promise((r) => setTimeout(r, 200)); // listed all along: the hold alone keeps it out
    expect(route.backends.get('127.0.0.7')?.state).toBe('draining');
    const forgot = await admin(proxy, 'POST', '/forget', { service: SERVICE, ip: '127.0.0.7' });
    expect(forgot.json).toMatchObject({ forgotten: 1 });
    await until(() => route.backends.get('127.0.0.7')?.state === 'healthy');
    for (const r of replicas) r.served = 0;
    for (let i = 0; i < 6; i++) expect((await get(proxy.edgePort)).status).toBe(200);
    expect(replicas[2]!.served).toBe(3);
  });

  it('keeps the last known replicas when a lookup fails', async () => {
    const started = await startReplicas(['127.0.0.2']);
    replicas = started.replicas;
    let fail = false;
    proxy = await startTestProxy(started.port, () => {
      if (fail) throw new Error('SERVFAIL');
      return ['127.0.0.2'];
    });
    fail = true;
    await new Promise((r) => setTimeout(r, 300)); // several refreshes at 100 ms
    expect(proxy.routes[0]!.backends.get('127.0.0.2')?.state).toBe('healthy');
    expect((await get(proxy.edgePort)).status).toBe(200);
  });
});
