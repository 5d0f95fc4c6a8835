import { request } from 'node:http';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text, cut at `maxBodyBytes`. */
  body: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBodyBytes?: number;
}

/**
 * One plain-HTTP request on a fresh connection, with a hard deadline kept by a ref'd timer (see
 * http-probe.ts for why not fetch with AbortSignal.timeout). Rejects with an error whose `code`
 * names the cause (ECONNRESET, HPE_INVALID_CONSTANT for a TLS answer, TIMEOUT…).
 */
export function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpReply> {
  const max = options.maxBodyBytes ?? 256 * 1024;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < max) chunks.push(c.subarray(0, max - size));
          size += c.length;
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(
        Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'TIMEOUT' }),
      );
    }, options.timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(options.body);
  });
}
