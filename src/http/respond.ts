import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../platform/logger.ts';
import { toHttpError } from './error-body.ts';

/** A request header's value; the first, when a client sent it more than once. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

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
  const req = res.req;
  if (!req || req.readableEnded || req.destroyed) {
    sendJson(res, status, body, errorHeaders);
    return;
  }
  // The body was not read to the end (refused before or during an upload). A client still sending
  // would see a reset instead of this answer, so read a small remainder first; past that, answer
  // and close the connection rather than take a whole large upload just to throw it away.
  let drained = 0;
  const answer = (close: boolean) => {
    if (res.headersSent) return;
    req.off('data', count);
    sendJson(res, status, body, close ? { connection: 'close', ...errorHeaders } : errorHeaders);
  };
  const count = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) answer(true);
  };
  req.on('data', count);
  req.once('end', () => answer(false));
  req.once('error', () => answer(true));
  setTimeout(() => answer(true), DRAIN_LIMIT_MS).unref();
  req.resume();
}

const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
const DRAIN_LIMIT_MS = 2_000;

/** The same error as a GraphQL response (`errors[].extensions.code`), for a /graphql request refused before execution. */
export function sendGraphQLError(res: ServerResponse, err: unknown, requestId: string, log: Logger): void {
  const { status, body, headers } = toHttpError(err, requestId);
  if (status === 500) log.error({ err, requestId }, 'request failed');
  const extensions = { code: body.error, request_id: requestId, ...(body.detail ? { detail: body.detail } : {}) };
  sendJson(res, status, { errors: [{ message: body.message, extensions }] }, headers);
}
