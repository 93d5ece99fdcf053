import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Authenticate } from '../accounts/authenticator.ts';
import type { Deps, ServiceContext } from '../platform/context.ts';
import { AppError, invalidRequest, notFound, unauthorized, type ErrorDetail } from '../platform/errors.ts';
import { readJsonBody } from './json-body.ts';
import { sendError, sendJson } from './respond.ts';
import type { RestRoute } from './rest-route.ts';

interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  paramNames: string[];
}

function compile(route: RestRoute): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), paramNames };
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail: ErrorDetail[] = result.error.issues.map((issue) => ({
    loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    msg: issue.message,
    type: issue.code === 'invalid_type' && issue.input === undefined ? 'value_error.missing' : 'value_error',
  }));
  const first = detail[0]!;
  throw invalidRequest(`Invalid ${where}: ${first.loc.slice(1).join('.') || where} ${first.msg}`.trim(), detail);
}

/** Runs the REST route table: auth, validation, the service call, and the documented response. */
export function createRestHandler(routes: RestRoute[], deps: Deps, authenticate: Authenticate) {
  // Literal paths win over parameterised ones (store-file before :fileId).
  const compiled = routes.map(compile).sort((a, b) => a.paramNames.length - b.paramNames.length);

  return async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    try {
      const candidates = compiled.filter((c) => c.pattern.test(url.pathname));
      const match = candidates.find((c) => c.route.method === req.method);
      if (!match) throw candidates.length ? new AppError('INVALID_REQUEST', `Method ${req.method} is not allowed here.`) : notFound('Route');
      const account = await authenticate(headerValue(req, 'x-api-key'));
      if (!account) throw unauthorized();
      const ctx: ServiceContext = { ...deps, accountId: account.accountId, requestId };
      const { route } = match;
      const values = match.pattern.exec(url.pathname)!.slice(1);
      const rawParams = Object.fromEntries(match.paramNames.map((name, i) => [name, safeDecode(values[i]!)]));
      const params = parseWith(route.params, rawParams, 'path');
      const query = parseWith(route.query, Object.fromEntries(url.searchParams), 'query');
      const body = route.body ? parseWith(route.body, await readJsonBody(req), 'body') : undefined;
      const result = await route.handle(ctx, { params, query, body, request: req });
      if (result.redirect) {
        res.writeHead(302, { location: result.redirect, 'cache-control': 'no-store' }).end();
        return;
      }
      sendJson(res, result.status ?? route.response.status, result.body ?? {});
    } catch (err) {
      sendError(res, err, requestId, deps.log);
    }
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
