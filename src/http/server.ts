import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Authorize } from '../accounts/authenticator.ts';
import { serveGraphiqlAsset } from '../graphql/graphiql-page.ts';
import { graphqlIdempotency } from '../graphql/graphql-idempotency.ts';
import { createGraphQL } from '../graphql/graphql-server.ts';
import { readGraphQLBody } from '../graphql/request-guards.ts';
import { isHttpChild, scrapeThroughPrimary } from '../platform/cluster-metrics.ts';
import type { Deps } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { refreshQueueDepths } from '../platform/metrics.ts';
import { serveDocs } from './docs-page.ts';
import { fromClientHttpError } from './error-body.ts';
import { handleMedia } from './media-route.ts';
import { buildOpenApi } from './openapi.ts';
import { sendError, sendGraphQLError, sendJson } from './respond.ts';
import { createRestHandler } from './rest-adapter.ts';
import { restRoutes } from './routes.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface HttpService {
  server: http.Server;
  /** Stops accepting, lets requests in flight finish for up to graceMs, then ends the rest (SSE, WebSocket). */
  close(graceMs: number): Promise<void>;
}

export function createHttpServer(deps: Deps, authorize: Authorize, version: string): HttpService {
  const rest = createRestHandler(restRoutes, deps, authorize);
  const { yoga, attachWebSocket } = createGraphQL(deps, authorize);
  const graphqlKeys = graphqlIdempotency(deps, authorize);
  const openapi = JSON.stringify(buildOpenApi(restRoutes, version));

  const server = http.createServer(async (req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = deps.metrics.routeOf(res);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.httpRequests.inc({ method: req.method ?? '', route, status: String(res.statusCode) });
      deps.metrics.httpDuration.observe({ method: req.method ?? '', route }, seconds);
      deps.log.debug({ requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, new AppError('INVALID_REQUEST', 'Malformed request target.'), requestId, deps.log);
      return;
    }
    const path = url.pathname;
    try {
      if (path === '/graphql' || path.startsWith('/graphql/')) {
        deps.metrics.labelRoute(res, '/graphql');
        let bodyParams: unknown;
        let claimed: Awaited<ReturnType<typeof graphqlKeys.begin>>;
        try {
          graphqlKeys.checkRequest(req);
          bodyParams = await readGraphQLBody(req, res, deps.config.maxFileBytes);
          claimed = await graphqlKeys.begin(req, res, bodyParams);
        } catch (err) {
          sendGraphQLError(res, fromClientHttpError(err), requestId, deps.log);
          return;
        }
        if (claimed === 'answered') return;
        try {
          await yoga(req, res, { req, res, requestId, bodyParams, idempotency: claimed?.pending, account: claimed?.account });
        } finally {
          await claimed?.pending.end();
        }
      } else if (path.startsWith('/api/')) {
        await rest(req, res, url, requestId);
      } else if (path.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
        deps.metrics.labelRoute(res, '/media');
        await handleMedia(deps, req, res, url, requestId);
      } else if (path === '/healthz') {
        sendJson(res, 200, { status: 'ok' });
      } else if (path === '/readyz') {
        await ready(deps, res);
      } else if (path === '/metrics') {
        await serveMetrics(deps, res);
      } else if (path === '/openapi.json') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(openapi);
      } else if (path === '/') {
        res.writeHead(302, { location: '/docs' }).end();
      } else if (path.startsWith('/graphiql/')) {
        deps.metrics.labelRoute(res, '/graphiql');
        await serveGraphiqlAsset(req, res, path);
      } else if (!(await serveDocs(path, res))) {
        throw new AppError('NOT_FOUND', 'No such route.');
      }
    } catch (err) {
      sendError(res, fromClientHttpError(err), requestId, deps.log);
    }
  });
  // Node's default ends any request not received within 5 minutes: a 5 GB upload needs 17 MB/s to
  // beat that. Uploads may take as long as they keep moving; a stalled connection is closed instead.
  server.requestTimeout = 0;
  server.timeout = deps.config.httpIdleTimeoutMs;
  // Requests Node refuses before the app sees them (bad framing, oversized headers) still get the
  // documented error body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      error: 'INVALID_REQUEST',
      message: tooLarge ? 'The request headers are too large.' : 'The request could not be read as HTTP.',
      request_id: randomUUID(),
    });
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  const closeWebSockets = attachWebSocket(server);
  const close = (graceMs: number) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => {
        server.closeAllConnections();
        // Upgraded sockets are no longer the HTTP server's connections, yet close() waits for them.
        closeWebSockets().catch((err: unknown) => deps.log.warn({ err }, 'closing WebSocket connections failed'));
      }, graceMs).unref();
    });
  return { server, close };
}

async function serveMetrics(deps: Deps, res: http.ServerResponse): Promise<void> {
  deps.metrics.labelRoute(res, '/metrics');
  let text: string;
  if (isHttpChild()) {
    // One of HTTP_PROCESSES: the primary merges every process's metrics with its own.
    text = await scrapeThroughPrimary().catch((err: unknown) => {
      deps.log.warn({ err }, 'the metrics scrape through the primary failed');
      throw new AppError('SERVICE_UNAVAILABLE', 'The metrics of the other processes could not be collected; try again.');
    });
  } else {
    await refreshQueueDepths(deps.metrics, () => deps.queue.boss.getQueues()).catch((err: unknown) =>
      deps.log.warn({ err }, 'could not read queue depths'),
    );
    text = await deps.metrics.registry.metrics();
  }
  res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text);
}

async function ready(deps: Deps, res: http.ServerResponse): Promise<void> {
  const checks = await Promise.allSettled([deps.db.$queryRaw`SELECT 1`, deps.storage.ping()]);
  const [database, storage] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
  const ok = database === 'ok' && storage === 'ok';
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', database, storage });
}
