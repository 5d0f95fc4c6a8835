import { request } from 'node:https';
import type { EdgeClient } from './edge.js';

/**
 * A `fetch` for any `https://<name>.rehearsal.localhost:<port>` URL that goes to 127.0.0.1 and
 * trusts only the sandbox CA (the edge client's agent). Never follows redirects.
 */
export function edgeFetch(c: EdgeClient) {
  return (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : Buffer.from(
            init.body instanceof URLSearchParams ? init.body.toString() : String(init.body),
          );
    if (init.body instanceof URLSearchParams && !headers.has('content-type'))
      headers.set('content-type', 'application/x-www-form-urlencoded');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port || 443,
          path: `${url.pathname}${url.search}`,
          method: init.method ?? 'GET',
          agent: c.agent,
          servername: url.hostname,
          headers: Object.fromEntries(headers),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v])
                out.append(k, one);
            }
            const status = res.statusCode ?? 0;
            const noBody = status === 204 || status === 304;
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: out }));
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  };
}
