import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { EDGE_FILES } from '../plan/edge.js';
import type { Plan } from '../plan/types.js';

/** Where traffic goes: the sandbox's TLS edge on 127.0.0.1, under the task's name. */
export interface EdgeTarget {
  host: string;
  port: number;
  /** The sandbox CA's root (PEM): the only certificate trusted. */
  ca: string;
}

export interface EdgeReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The replica that answered (`X-Replica`, else the edge's backend address), when known. */
  replica?: string;
  body: string;
}

/** The edge's address for a task of the plan, or undefined when the sandbox has no TLS edge. */
export function edgeTarget(plan: Plan, service: string): EdgeTarget | undefined {
  const route = plan.proxy?.routes.find((r) => r.service === service);
  if (!plan.proxy || !route) return undefined;
  return {
    host: route.host,
    port: plan.proxy.port,
    ca: readFileSync(join(plan.stateDir, EDGE_FILES.root), 'utf8'),
  };
}

/** Every name resolves to 127.0.0.1 (both callback shapes node:net uses): traffic never leaves the machine. */
export function loopback(
  _host: string,
  options: { all?: boolean },
  cb: (
    err: Error | null,
    address: string | { address: string; family: number }[],
    family?: number,
  ) => void,
): void {
  if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}

/**
 * An HTTPS client for the edge with keep-alive connections, as a browser would use. Requests use
 * node:https with a ref'd timer for their deadline (see sandbox/net/http-probe.ts for why not
 * fetch with AbortSignal.timeout).
 */
export class EdgeClient {
  private readonly agent: Agent;

  constructor(
    private readonly target: EdgeTarget,
    maxSockets: number,
    /**
     * The replica an edge backend address stands for, when the service does not name itself
     * with `X-Replica`: the edge names the address in `x-rehearsal-backend`.
     */
    private readonly replicaOfBackend?: (address: string) => string | undefined,
  ) {
    this.agent = new Agent({ keepAlive: true, ca: target.ca, maxSockets, lookup: loopback });
  }

  /**
   * One request; rejects with an error whose `code` names the cause (ECONNRESET, TIMEOUT…).
   * `body` is sent as FHIR JSON, `raw` as it is (with the caller's content type).
   */
  send(
    method: string,
    path: string,
    options: {
      body?: unknown;
      raw?: Buffer;
      headers?: Record<string, string>;
      timeoutMs: number;
    },
  ): Promise<EdgeReply> {
    const payload =
      options.raw ??
      (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body)));
    const fhir = options.raw === undefined && payload !== undefined;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.target.host,
          port: this.target.port,
          servername: this.target.host,
          path,
          method,
          agent: this.agent,
          headers: {
            ...(fhir ? { 'content-type': 'application/fhir+json' } : {}),
            ...(payload ? { 'content-length': payload.length } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            const backend = res.headers['x-rehearsal-backend'];
            const named = res.headers['x-replica'];
            const replica =
              typeof named === 'string'
                ? named
                : typeof backend === 'string'
                  ? (this.replicaOfBackend?.(backend) ?? backend)
                  : undefined;
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              ...(typeof replica === 'string' ? { replica } : {}),
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      const timer = setTimeout(() => {
        const err = Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), {
          code: 'TIMEOUT',
        });
        req.destroy(err);
      }, options.timeoutMs);
      function fail(err: Error): void {
        clearTimeout(timer);
        reject(err);
      }
      req.on('error', fail);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
