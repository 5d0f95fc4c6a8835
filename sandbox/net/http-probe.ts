import { request } from 'node:http';

export interface ProbeResult {
  /** HTTP status, or undefined when no response came. */
  status?: number;
  /** `GET /health → 200`, `GET /health: ECONNRESET`, `GET /health: timeout`. */
  detail: string;
}

/**
 * One HTTP GET with a hard deadline, on a fresh connection (no pooling: a probe must see the
 * replica as a new client would). Uses node:http with a ref'd timer: a published port whose
 * container is not listening yet accepts and then stalls, and a fetch bounded only by
 * `AbortSignal.timeout` (an unref'd timer) can then leave the process with nothing to wait on.
 */
export function httpProbe(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const path = new URL(url).pathname;
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'GET', agent: false, headers: { connection: 'close' } },
      (res) => {
        res.resume();
        finish({ status: res.statusCode ?? 0, detail: `GET ${path} → ${res.statusCode}` });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ detail: `GET ${path}: no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ detail: `GET ${path}: cancelled` });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({ detail: `GET ${path}: ${err.code ?? err.message}` }),
    );
    req.end();
    let done = false;
    function finish(r: ProbeResult): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    }
  });
}
