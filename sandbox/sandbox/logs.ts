import type { Engine, LogLine } from '../engine/engine.js';
import { LABEL } from '../labels.js';
import { listReplicas, type Replica } from './replicas.js';

export interface SandboxLogLine extends LogLine {
  service: string;
  replica: number;
  container: string;
}

export interface LogsOptions {
  service?: string;
  follow: boolean;
  tail?: number;
  signal?: AbortSignal;
}

/**
 * The output of every replica (of one service, or all), interleaved as it arrives. With `follow`,
 * replicas that start later — a scale-up, a replacement after a kill — are picked up too, until
 * the signal aborts.
 */
export async function* sandboxLogs(
  engine: Engine,
  sandboxId: string,
  options: LogsOptions,
): AsyncGenerator<SandboxLogLine> {
  const queue: SandboxLogLine[] = [];
  let wake: (() => void) | undefined;
  let active = 0;
  let failure: unknown;
  const attached = new Set<string>();
  const push = (l: SandboxLogLine) => {
    queue.push(l);
    wake?.();
  };
  const follow = options.follow;
  const attach = (r: Pick<Replica, 'id' | 'name' | 'service' | 'number'>, since?: number) => {
    if (attached.has(r.id)) return;
    attached.add(r.id);
    active++;
    void (async () => {
      try {
        const opts = {
          follow,
          ...(options.tail !== undefined && since === undefined ? { tail: options.tail } : {}),
          ...(since !== undefined ? { since } : {}),
        };
        for await (const l of engine.logs(r.id, opts, options.signal)) {
          push({ ...l, service: r.service, replica: r.number, container: r.name });
        }
      } catch (err) {
        if (!options.signal?.aborted && (err as { statusCode?: number }).statusCode !== 404)
          failure = err;
      } finally {
        active--;
        wake?.();
      }
    })();
  };

  for (const r of await listReplicas(engine, sandboxId, options.service)) attach(r);

  const watcher = new AbortController();
  if (follow) {
    options.signal?.addEventListener('abort', () => watcher.abort(), { once: true });
    const labels: Record<string, string> = { [LABEL.sandbox]: sandboxId };
    if (options.service) labels[LABEL.composeService] = options.service;
    active++;
    void (async () => {
      try {
        for await (const e of engine.events(labels, watcher.signal)) {
          if (e.action !== 'start') continue;
          attach(
            {
              id: e.id,
              name: e.name,
              service: e.labels[LABEL.composeService] ?? '',
              number: Number(e.labels[LABEL.composeNumber] ?? 0),
            },
            Math.floor(e.time / 1000) - 1,
          );
        }
      } catch (err) {
        if (!watcher.signal.aborted) failure = err;
      } finally {
        active--;
        wake?.();
      }
    })();
  }

  try {
    for (;;) {
      if (failure) throw failure;
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (active === 0 || options.signal?.aborted) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    watcher.abort();
  }
}
