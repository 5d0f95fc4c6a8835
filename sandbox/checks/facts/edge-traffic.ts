/** The check's traffic through the TLS edge: a bounded run of GETs with a planted canary. */
import type { Engine } from '../../engine/engine.js';
import type { Plan, ServicePlan } from '../../plan/types.js';
import { adminCall, edgeAdmin } from '../../sandbox/edge-admin.js';
import { listReplicas } from '../../sandbox/replicas.js';
import { EdgeClient, edgeTarget } from '../../traffic/edge-client.js';
import type { TimelineSample } from '../types.js';
import type { TrafficFacts } from './types.js';

/** A bounded run of GETs through the edge; who served each comes from the edge's own counters. */
export async function traffic(
  plan: Plan,
  engine: Engine,
  s: ServicePlan,
  canary: string,
  count: number,
  timeline: TimelineSample[],
): Promise<TrafficFacts | undefined> {
  const target = edgeTarget(plan, s.name);
  if (!target || !s.probe) return undefined;
  const admin = await edgeAdmin(plan, engine);
  const before = admin ? await servedByIp(admin, s.name) : new Map<string, number>();
  const client = new EdgeClient(target, 4);
  const facts: TrafficFacts = { sent: 0, ok: 0, failed: 0, byReplica: {}, errors: {} };
  const deadline = Date.now() + 20_000;
  const path = `${s.probe.path}${s.probe.path.includes('?') ? '&' : '?'}name=${canary}`;
  let bucket = { at: Date.now(), ok: 0, failed: 0, ms: [] as number[] };
  const record = (ok: boolean, ms: number) => {
    if (Date.now() - bucket.at >= 1000) {
      flush();
      bucket = { at: Date.now(), ok: 0, failed: 0, ms: [] };
    }
    if (ok) bucket.ok++;
    else bucket.failed++;
    bucket.ms.push(ms);
  };
  const flush = () => {
    const sorted = bucket.ms.sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
    timeline.push({
      at: bucket.at,
      kind: 'traffic',
      ok: bucket.ok,
      failed: bucket.failed,
      p99Ms: p99,
    });
  };
  try {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (facts.sent < count && Date.now() < deadline) {
          facts.sent++;
          const began = Date.now();
          try {
            const r = await client.send('GET', path, {
              timeoutMs: 5000,
              headers: { 'x-patient-name': canary },
            });
            record(r.status < 500, Date.now() - began);
            if (r.status < 500) facts.ok++;
            else {
              facts.failed++;
              facts.errors[`HTTP ${r.status}`] = (facts.errors[`HTTP ${r.status}`] ?? 0) + 1;
            }
          } catch (err) {
            record(false, Date.now() - began);
            facts.failed++;
            const code = (err as NodeJS.ErrnoException).code ?? 'error';
            facts.errors[code] = (facts.errors[code] ?? 0) + 1;
          }
        }
      }),
    );
  } finally {
    client.close();
    flush();
  }
  if (admin) {
    const after = await servedByIp(admin, s.name);
    const names = new Map<string, string>();
    for (const r of await listReplicas(engine, plan.sandboxId, s.name)) {
      const ip = (await engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
      if (ip) names.set(ip, r.name);
    }
    for (const [ip, n] of after) facts.byReplica[names.get(ip) ?? ip] = n - (before.get(ip) ?? 0);
  }
  return facts;
}

export async function servedByIp(
  admin: { url: string; token: string },
  service: string,
): Promise<Map<string, number>> {
  const r = await adminCall(admin, 'GET', '/backends');
  const routes =
    (r.json as { routes?: { service: string; backends: { ip: string; requests?: number }[] }[] })
      .routes ?? [];
  const out = new Map<string, number>();
  for (const route of routes.filter((x) => x.service === service))
    for (const b of route.backends) out.set(b.ip, (out.get(b.ip) ?? 0) + (b.requests ?? 0));
  return out;
}
