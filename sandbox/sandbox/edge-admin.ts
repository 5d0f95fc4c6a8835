import { request } from 'node:http';
import type { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import { ADMIN_TOKEN_SECRET } from '../plan/edge.js';
import type { Plan } from '../plan/types.js';
import { listReplicas } from './replicas.js';

/** Where the CLI reaches the proxy's admin channel: a port published on 127.0.0.1. */
export interface EdgeAdmin {
  url: string;
  token: string;
}

/** The running proxy's admin endpoint, or undefined when the sandbox has no TLS edge running. */
export async function edgeAdmin(plan: Plan, engine: Engine): Promise<EdgeAdmin | undefined> {
  if (!plan.proxy) return undefined;
  const proxy = (await listReplicas(engine, plan.sandboxId, plan.proxy.service)).find(
    (r) => r.state === 'running',
  );
  const port = proxy?.published[plan.proxy.adminPort];
  const token = plan.secrets[ADMIN_TOKEN_SECRET];
  if (!port || !token) return undefined;
  return { url: `http://127.0.0.1:${port}`, token };
}

/** One authenticated JSON call to the admin channel. */
export function adminCall(
  admin: EdgeAdmin,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 35_000,
): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      `${admin.url}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${admin.token}`,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // A plain-text answer (an error page) is kept as text.
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(
        new UserError(
          `the TLS edge's admin channel did not answer ${method} ${path}: ${err.message}`,
          {
            hint: 'Check `rehearsal status`: the proxy replica may have stopped.',
            cause: err,
          },
        ),
      );
    });
    req.end(payload);
  });
}

/**
 * Drains a replica at the edge before it is stopped: the proxy deregisters it and answers once
 * its in-flight requests are done, so a scale-down fails no request.
 */
export async function drainAtEdge(admin: EdgeAdmin, service: string, ip: string): Promise<void> {
  const r = await adminCall(admin, 'POST', '/drain', { service, ip });
  if (r.status !== 200) {
    throw new UserError(`the TLS edge refused to drain ${ip} of ${service} (HTTP ${r.status})`, {
      hint: 'The replica was left running; try the scale again.',
    });
  }
}

/**
 * Tells the edge a replica's container is gone, so its drain hold dies with it: Docker gives the
 * freed address to the next container at once, which must join the rotation like any other.
 * Best effort: an edge that does not answer forgets the replica when its address leaves DNS.
 */
export async function forgetAtEdge(admin: EdgeAdmin, service: string, ip: string): Promise<void> {
  await adminCall(admin, 'POST', '/forget', { service, ip }, 5000).catch(() => undefined);
}

/**
 * Lifts any hold on a replica that is running and kept (a drain begun by a run that died before
 * it removed the replica). Best effort, as `forgetAtEdge`.
 */
export async function admitAtEdge(admin: EdgeAdmin, service: string, ip: string): Promise<void> {
  await adminCall(admin, 'POST', '/admit', { service, ip }, 5000).catch(() => undefined);
}

/**
 * Waits (at most `timeoutMs`) until the edge routes to every one of `ips` of `service`: listed,
 * healthy and not held. A redeploy drains the old replicas only then, so the edge is never left
 * with nothing to route to while it has not yet discovered the new ones (its DNS refresh runs
 * every half second). Asks the edge to resolve again on each look. True when all are in.
 */
export async function awaitInRotation(
  admin: EdgeAdmin,
  service: string,
  ips: string[],
  timeoutMs = 15_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await adminCall(admin, 'POST', '/refresh', undefined, 5000).catch(() => undefined);
    const routes = (r?.json as { routes?: RouteView[] } | undefined)?.routes ?? [];
    const mine = routes.filter((x) => x.service === service);
    const routed = (ip: string) =>
      mine.length > 0 &&
      mine.every((x) =>
        x.backends.some((b) => b.ip === ip && b.state === 'healthy' && b.hold === null),
      );
    if (ips.every(routed)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 200));
  }
}

interface RouteView {
  service: string;
  backends: { ip: string; state: string; hold: unknown }[];
}
