import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StreamSnapshot } from '../../../proxy/server/admin-stream.js';
import type { RunningProxy } from '../../../proxy/server/proxy.js';
import {
  admin,
  get,
  HOST,
  SERVICE,
  startReplicas,
  startTestProxy,
  TOKEN,
  type Replica,
} from './proxy-harness.js';

const IPS = ['127.0.0.2', '127.0.0.3'];
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

function upgradeStatus(token: string | undefined): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${proxy.adminPort}/stream`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => resolve(-1));
  });
}

function peerCertificate(): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: proxy.edgePort, servername: HOST, rejectUnauthorized: false },
      () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

describe('admin channel', () => {
  it('refuses a wrong or missing token: HTTP 401 and the WebSocket upgrade refused with 401', async () => {
    expect((await admin(proxy, 'GET', '/backends', undefined, 'wrong-token')).status).toBe(401);
    const bare = await fetch(`http://127.0.0.1:${proxy.adminPort}/backends`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    expect(await upgradeStatus('wrong-token')).toBe(401);
    expect(await upgradeStatus(undefined)).toBe(401);
    expect(await upgradeStatus(TOKEN)).toBe(101);
  });

  it('lists routes and replicas with their state', async () => {
    const { status, json } = await admin(proxy, 'GET', '/backends');
    expect(status).toBe(200);
    const view = json as {
      routes: { host: string; backends: { ip: string; state: string; inFlight: number }[] }[];
    };
    expect(view.routes[0]?.host).toBe(HOST);
    expect(view.routes[0]?.backends.map((b) => [b.ip, b.state, b.inFlight])).toEqual([
      ['127.0.0.2', 'healthy', 0],
      ['127.0.0.3', 'healthy', 0],
    ]);
  });

  it('ejects on instruction until admitted again; unknown replicas are 404', async () => {
    expect(
      (await admin(proxy, 'POST', '/eject', { service: SERVICE, ip: '127.0.0.3' })).status,
    ).toBe(200);
    for (const r of replicas) r.served = 0;
    for (let i = 0; i < 6; i++) await get(proxy.edgePort);
    expect(replicas.map((r) => r.served)).toEqual([6, 0]);
    await admin(proxy, 'POST', '/refresh');
    expect(proxy.routes[0]?.backends.get('127.0.0.3')?.state).toBe('ejected'); // the hold outlives probes
    const admitted = await admin(proxy, 'POST', '/admit', { service: SERVICE, ip: '127.0.0.3' });
    expect(admitted.status).toBe(200);
    expect(proxy.routes[0]?.backends.get('127.0.0.3')?.state).toBe('healthy');
    expect(
      (await admin(proxy, 'POST', '/eject', { service: SERVICE, ip: '10.9.9.9' })).status,
    ).toBe(404);
    expect((await admin(proxy, 'POST', '/eject', { service: SERVICE })).status).toBe(400);
  });

  it('pushes snapshots with counters on the stream', async () => {
    await get(proxy.edgePort);
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.adminPort}/stream`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const [data] = (await once(ws, 'message')) as [Buffer];
    ws.close();
    const snapshot = JSON.parse(String(data)) as StreamSnapshot;
    const replica = snapshot.routes[0]?.backends[0];
    expect(replica?.requests).toBeGreaterThan(0);
    expect(replica?.responses['2xx']).toBe(replica?.requests);
    expect(replica?.latencyMs.buckets).toEqual([
      1,
      2,
      5,
      10,
      25,
      50,
      100,
      250,
      500,
      1000,
      2500,
      '+Inf',
    ]);
    expect(replica?.latencyMs.p50).toBeGreaterThan(0);
    expect(Object.keys(replica?.errors ?? {})).toContain('reset_before_request');
  });

  it('replaces the certificate at run time with PUT /tls, and rejects a mismatched pair', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearsal-proxy-renew-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=renewed.rehearsal.localhost',
          '-addext',
          'subjectAltName=DNS:*.rehearsal.localhost',
        ],
        { stdio: 'pipe' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const key = readFileSync(join(dir, 'key.pem'), 'utf8');
      expect((await peerCertificate()).subject.CN).toBe('rehearsal.localhost');
      const bad = await admin(proxy, 'PUT', '/tls', {
        cert,
        key: (await import('./proxy-harness.js')).throwawayCert().key,
      });
      expect(bad.status).toBe(400);
      expect((await admin(proxy, 'PUT', '/tls', { cert, key })).status).toBe(200);
      expect((await peerCertificate()).subject.CN).toBe('renewed.rehearsal.localhost');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
