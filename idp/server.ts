import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { once } from 'node:events';
import type Provider from 'oidc-provider';
import type pg from 'pg';
import { bearerMatches } from '../base/bearer-auth.js';
import type { Logger } from '../base/log.js';
import type { IdpConfig } from './config.js';
import { handleInteraction } from './interactions.js';
import {
  ensureSigningKey,
  publishedKeys,
  rotate,
  ROTATION_STAGES,
  RotationError,
  type RotationStage,
} from './keys.js';
import { createProvider } from './provider.js';
import { smartDocument } from './smart.js';
import { scimDirectory } from './scim/directory.js';

export interface IdpServer {
  close(): Promise<void>;
}

interface Options {
  config: IdpConfig;
  pool: pg.Pool;
  adminToken: string;
  logger: Logger;
  /** How often the keys are re-read from the database (another IdP may have rotated them). */
  keyPollMs?: number;
  host?: string;
  /** Wraps the provider's request handler (tracing: a span per request). */
  wrap?: (handler: RequestListener) => RequestListener;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * Serves the provider on `config.listen` and the admin channel on `config.admin`. The provider is
 * rebuilt whenever the published keys change in the database, so a rotation needs no restart.
 */
export async function startIdp(options: Options): Promise<IdpServer> {
  const { config, pool, logger } = options;
  await ensureSigningKey(pool);
  let fingerprint = '';
  let provider!: Provider;
  let handler!: ReturnType<Provider['callback']>;
  const reload = async (): Promise<void> => {
    const keys = await publishedKeys(pool);
    const next = keys.map((k) => `${k.kid}:${k.state}`).join(',');
    if (next === fingerprint) return;
    provider = createProvider(config, keys, pool);
    handler = provider.callback();
    fingerprint = next;
    logger.info('keys loaded', { keys: keys.map((k) => `${k.kid.slice(0, 8)} ${k.state}`) });
  };
  await reload();
  const directory = config.scimToken
    ? await scimDirectory(pool, config.scimToken, config.personas)
    : undefined;
  const poll = setInterval(() => {
    reload().catch((err: Error) => logger.warn('cannot read keys', { error: err.message }));
  }, options.keyPollMs ?? 2000);

  const serve: RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const started = performance.now();
    res.on('close', () => {
      // Path only up to the first variable segment: no codes, tokens or persona ids in logs.
      logger.info('request', {
        method: req.method ?? '',
        route: path.split('/').slice(0, 2).join('/') || '/',
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });
    if (path === '/healthz') {
      json(res, 200, { status: 'ok' });
      return;
    }
    if (directory && (path === '/scim/v2' || path.startsWith('/scim/v2/'))) {
      const query = (req.url ?? '').split('?')[1] ?? '';
      directory(req, res, path, query).catch((err: Error) => {
        logger.warn('SCIM request failed', { error: err.name });
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
      });
      return;
    }
    const smart = smartDocument(path, provider);
    if (smart) {
      json(res, 200, smart);
      return;
    }
    if (path.startsWith('/interaction/')) {
      handleInteraction(provider, config.personas, req, res).catch((err: Error) => {
        logger.warn('interaction failed', { error: err.name });
        if (!res.headersSent)
          json(res, 400, { error: 'invalid_request', error_description: err.message });
      });
      return;
    }
    void handler(req, res);
  };
  const main = createServer(options.wrap ? options.wrap(serve) : serve);

  const admin = createServer((req, res) => {
    if (!bearerMatches(req.headers.authorization, options.adminToken)) {
      json(res, 401, { error: 'unauthorized' });
      return;
    }
    adminRoute(req, res).catch((err: Error) => {
      json(res, err instanceof RotationError ? 409 : 500, { error: err.message });
    });
  });
  const adminRoute = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (req.method === 'GET' && url.pathname === '/keys') {
      const keys = await publishedKeys(pool);
      json(res, 200, { keys: keys.map((k) => ({ kid: k.kid, state: k.state })) });
      return;
    }
    const stage = url.pathname.match(/^\/keys\/rotate\/([a-z]+)$/)?.[1];
    if (req.method === 'POST' && ROTATION_STAGES.includes(stage as RotationStage)) {
      const done = await rotate(pool, stage as RotationStage);
      await reload();
      logger.info('key rotation', { stage: stage ?? '', done });
      json(res, 200, { stage, done });
      return;
    }
    json(res, 404, { error: 'no such admin endpoint' });
  };

  const host = options.host ?? '0.0.0.0';
  main.listen(config.listen, host);
  admin.listen(config.admin, host);
  await Promise.all([once(main, 'listening'), once(admin, 'listening')]);
  logger.info('identity provider listening', {
    issuer: config.issuer,
    port: config.listen,
    admin: config.admin,
    clients: config.clients.length,
    personas: config.personas.length,
  });
  return {
    close: async () => {
      clearInterval(poll);
      await Promise.all([close(main), close(admin)]);
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
