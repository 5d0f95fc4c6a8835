/**
 * The OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp): `POST /v1/traces`
 * in protobuf or JSON, gzip or plain, answered in the request's own encoding; `/v1/metrics` and
 * `/v1/logs` are accepted and counted (so an exporter of those does not log errors) but not kept.
 * A second port, published on 127.0.0.1 only, lets Rehearsal read what arrived: `GET /spans`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { Logger } from '../base/log.js';
import { decodeJsonTraces, OtlpJsonError } from './otlp-json.js';
import { decodeProtobufTraces, protobufExportResponse } from './otlp-proto.js';
import { SpanStore, type ReceivedSpan } from './spans.js';
import { HttpError } from '../base/http-error.js';

/** OTLP/HTTP's default port, and the port of the read-only query channel. */
export const OTLP_HTTP_PORT = 4318;
export const COLLECTOR_QUERY_PORT = 4319;
const MAX_BODY = 16 * 1024 * 1024;

export interface CollectorOptions {
  otlpPort?: number;
  queryPort?: number;
  host?: string;
  logger: Logger;
  capacity?: number;
}

export interface Collector {
  otlpPort: number;
  queryPort: number;
  store: SpanStore;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `the body is larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  const e = (encoding ?? 'identity').trim().toLowerCase();
  try {
    if (e === 'gzip') return gunzipSync(body, { maxOutputLength: MAX_BODY });
    if (e === 'deflate') return inflateSync(body, { maxOutputLength: MAX_BODY });
  } catch (err) {
    throw new HttpError(400, `the ${e} body does not decompress: ${(err as Error).message}`);
  }
  if (e === 'identity' || e === '') return body;
  throw new HttpError(
    415,
    `Content-Encoding "${encoding}" is not supported (gzip, deflate, identity)`,
  );
}

type Encoding = 'protobuf' | 'json';

function encodingOf(contentType: string | undefined): Encoding {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new HttpError(
    415,
    `Content-Type "${contentType ?? ''}" is not an OTLP encoding (application/x-protobuf or application/json)`,
  );
}

function answer(res: ServerResponse, encoding: Encoding, status = 200, message?: string): void {
  if (encoding === 'protobuf' && status === 200) {
    const body = protobufExportResponse();
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
    res.end(body);
    return;
  }
  // Errors are a google.rpc.Status; its JSON form is readable in either case.
  const body = JSON.stringify(status === 200 ? {} : { code: 3, message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Starts both listeners; `close()` stops them (and `await using` does). */
export async function startCollector(
  options: CollectorOptions,
): Promise<Collector & AsyncDisposable> {
  const { logger } = options;
  const store = new SpanStore(options.capacity);
  const counts = { metrics: 0, logs: 0 };

  const otlp = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const signal =
      path === '/v1/traces'
        ? 'traces'
        : path === '/v1/metrics'
          ? 'metrics'
          : path === '/v1/logs'
            ? 'logs'
            : undefined;
    if (!signal) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('OTLP/HTTP paths: /v1/traces, /v1/metrics, /v1/logs\n');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('POST only\n');
      return;
    }
    let encoding: Encoding = 'json';
    void (async () => {
      encoding = encodingOf(req.headers['content-type']);
      const body = decompress(await readBody(req), req.headers['content-encoding']);
      if (signal !== 'traces') {
        counts[signal]++;
        answer(res, encoding);
        return;
      }
      const now = Date.now();
      let spans: ReceivedSpan[];
      try {
        spans =
          encoding === 'protobuf'
            ? decodeProtobufTraces(body, now)
            : decodeJsonTraces(body.toString('utf8'), now);
      } catch (err) {
        const why =
          err instanceof OtlpJsonError
            ? err.message
            : `not an ExportTraceServiceRequest: ${(err as Error).message}`;
        throw new HttpError(400, why);
      }
      store.add(spans);
      logger.info('spans received', { encoding, spans: spans.length, total: store.received });
      answer(res, encoding);
    })().catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      logger.warn('export refused', { status, error: (err as Error).message });
      if (!res.headersSent) answer(res, encoding, status, (err as Error).message);
    });
  });

  const query = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://collector');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/spans') {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      const body = JSON.stringify({
        received: store.received,
        metrics: counts.metrics,
        logs: counts.logs,
        spans: store.list(since),
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /spans or /healthz\n');
  });

  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '0.0.0.0', () =>
        resolve((server.address() as AddressInfo).port),
      );
    });
  const otlpPort = await listen(otlp, options.otlpPort ?? OTLP_HTTP_PORT);
  const queryPort = await listen(query, options.queryPort ?? COLLECTOR_QUERY_PORT);
  const closeOne = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const close = async () => {
    await Promise.all([closeOne(otlp), closeOne(query)]);
  };
  return { otlpPort, queryPort, store, close, [Symbol.asyncDispose]: close };
}
