import type { ServerResponse } from 'node:http';
import type { Logger } from '../platform/logger.ts';
import { toHttpError } from './error-body.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown, requestId: string, log: Logger): void {
  const { status, body, headers: errorHeaders } = toHttpError(err, requestId);
  if (status === 500) log.error({ err, requestId }, 'request failed');
  else if (status === 503) log.warn({ requestId }, 'database unavailable');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // When the request body was not read to the end (an upload refused midway), close the connection
  // after answering rather than leave unread bytes on it.
  const headers: Record<string, string> = res.req && !res.req.readableEnded ? { connection: 'close', ...errorHeaders } : errorHeaders;
  sendJson(res, status, body, headers);
}

/** The same error as a GraphQL response (`errors[].extensions.code`), for a /graphql request refused before execution. */
export function sendGraphQLError(res: ServerResponse, err: unknown, requestId: string, log: Logger): void {
  const { status, body, headers } = toHttpError(err, requestId);
  if (status === 500) log.error({ err, requestId }, 'request failed');
  const extensions = { code: body.error, request_id: requestId, ...(body.detail ? { detail: body.detail } : {}) };
  sendJson(res, status, { errors: [{ message: body.message, extensions }] }, headers);
}
