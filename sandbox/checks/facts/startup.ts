/** Why a task did not come up: its replicas' ends, their last lines, and what its ports answer. */
import type { Engine } from '../../engine/engine.js';
import { httpProbe } from '../../net/http-probe.js';
import { tlsProbe } from '../../net/tls-probe.js';
import type { ServicePlan } from '../../plan/types.js';
import { listReplicas } from '../../sandbox/replicas.js';

/** One replica of a task that did not come up, as the engine last saw it. */
export interface StartupReplica {
  name: string;
  state: string;
  exitCode: number;
  oomKilled: boolean;
  /** Its last output lines (stdout and stderr). */
  lastLines: string[];
}

/** What one task port answered: a TLS handshake, plain HTTP on the health path, or nothing. */
export interface PortProbe {
  port: number;
  /** `TLS handshake completed (TLSv1.3): certificate CN=…` when the port speaks TLS. */
  tls?: string;
  /** The health path over plain HTTP: its status, or the connection error (ECONNREFUSED …). */
  health?: { path: string; status?: number; detail: string };
}

/** A task's start-up, read after the sandbox failed to come up (sandbox/checks/startup-causes.ts). */
export interface StartupFacts {
  replicas: StartupReplica[];
  ports: PortProbe[];
}

const LAST_LINES = 12;

/**
 * Reads every replica of `s` (running or not): exit code, OOMKilled, last log lines; and on each
 * published task port of a running one, a TLS handshake and a plain GET of the health path.
 */
export async function startupFacts(
  engine: Engine,
  sandboxId: string,
  s: ServicePlan,
): Promise<StartupFacts> {
  const out: StartupFacts = { replicas: [], ports: [] };
  for (const r of await listReplicas(engine, sandboxId, s.name)) {
    const d = await engine.inspectContainer(r.id).catch(() => undefined);
    const lines: string[] = [];
    try {
      for await (const l of engine.logs(r.id, { follow: false, tail: LAST_LINES }))
        lines.push(l.text);
    } catch {
      // A container removed meanwhile has no logs: its state says enough.
    }
    out.replicas.push({
      name: r.name,
      state: d?.state ?? r.state,
      exitCode: d?.exitCode ?? 0,
      oomKilled: d?.oomKilled ?? false,
      lastLines: lines,
    });
    if (out.ports.length > 0 || (d?.state ?? r.state) !== 'running') continue;
    for (const port of s.ports) {
      const host = r.published[port];
      if (!host) continue;
      const tls = await tlsProbe('127.0.0.1', host, 3000);
      const path = s.probe?.path ?? '/';
      const health = tls.handshake
        ? undefined
        : await httpProbe(`http://127.0.0.1:${host}${path}`, 3000);
      out.ports.push({
        port,
        ...(tls.handshake ? { tls: tls.detail } : {}),
        ...(health
          ? {
              health: {
                path,
                ...(health.status !== undefined ? { status: health.status } : {}),
                detail: health.detail,
              },
            }
          : {}),
      });
    }
  }
  return out;
}
