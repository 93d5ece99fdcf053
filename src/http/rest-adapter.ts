import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import type { z } from 'zod';
import type { Authorize } from '../accounts/authenticator.ts';
import type { Deps, ServiceContext } from '../platform/context.ts';
import { AppError, invalidRequest, notFound, type ErrorDetail } from '../platform/errors.ts';
import { canonicalJson, idempotencyStore } from './idempotency.ts';
import { parseJson, readJsonText } from './json-body.ts';
import { readMultipart } from './multipart.ts';
import { headerValue, sendError, sendJson } from './respond.ts';
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
  // reportInput: zod 4 leaves issue.input unset otherwise, and a wrong type would read as a missing field.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const detail: ErrorDetail[] = result.error.issues.map((issue) => ({
    loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    msg: issue.message,
    type: issue.code === 'invalid_type' && issue.input === undefined ? 'value_error.missing' : 'value_error',
  }));
  const first = detail[0]!;
  throw invalidRequest(`Invalid ${where}: ${first.loc.slice(1).join('.') || where} ${first.msg}`.trim(), detail);
}

/** Runs the REST route table: auth and rate limit, validation, idempotency, the service call, the answer. */
export function createRestHandler(routes: RestRoute[], deps: Deps, authorize: Authorize) {
  // Literal paths win over parameterised ones (store-file before :fileId).
  const compiled = routes.map(compile).sort((a, b) => a.paramNames.length - b.paramNames.length);
  const idempotency = idempotencyStore(deps.db);

  return async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const log = deps.log.child({ requestId });
    try {
      const candidates = compiled.filter((c) => c.pattern.test(url.pathname));
      const match = candidates.find((c) => c.route.method === req.method);
      if (!match) throw candidates.length ? new AppError('INVALID_REQUEST', `Method ${req.method} is not allowed here.`) : notFound('Route');
      const { route } = match;
      deps.metrics.labelRoute(res, route.path);
      const account = await authorize(headerValue(req, 'x-api-key'));
      const ctx: ServiceContext = { ...deps, log, accountId: account.accountId, requestId };
      const values = match.pattern.exec(url.pathname)!.slice(1);
      const rawParams = Object.fromEntries(match.paramNames.map((name, i) => [name, safeDecode(values[i]!)]));
      const params = parseWith(route.params, rawParams, 'path');
      const query = parseWith(route.query, Object.fromEntries(url.searchParams), 'query');

      const given = req.method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
      const key = given === undefined ? undefined : idempotency.checkKey(given);
      // With an Idempotency-Key, the request's fingerprint: method, path and the body (JSON in canonical
      // form, a form by its content). Without one nothing is hashed (an upload's bytes would all be).
      const fingerprint = key ? createHash('sha256').update(`${req.method} ${url.pathname}\n`) : undefined;
      const text = route.body ? await readJsonText(req) : undefined;
      const json = text === undefined ? undefined : parseJson(text);
      if (text !== undefined) fingerprint?.update(canonicalJson(json) ?? text);
      let claim: string | undefined;
      if (key && fingerprint) {
        const earlier = await idempotency.begin(account.accountId, key);
        if (!('claim' in earlier)) {
          if (text === undefined) await fingerprintForm(req, route, fingerprint);
          idempotency.assertSameRequest(earlier, fingerprint.digest('hex'));
          sendJson(res, earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
          return;
        }
        claim = earlier.claim;
      }
      const stopRenewing = key && claim ? idempotency.hold(account.accountId, key, claim) : undefined;
      try {
        const body = route.body ? parseWith(route.body, json, 'body') : undefined;
        const result = await route.handle(ctx, { params, query, body, request: req, fingerprint: fingerprint ? (content) => fingerprint.update(content) : undefined });
        if (result.redirect) {
          res.writeHead(302, { location: result.redirect, 'cache-control': 'no-store' }).end();
          return;
        }
        const status = result.status ?? route.response.status;
        if (key && claim && fingerprint) {
          const kept = await idempotency.complete(account.accountId, key, claim, fingerprint.digest('hex'), status, result.body ?? {});
          if (!kept) log.warn({ idempotencyKey: key }, 'this request lost its Idempotency-Key claim while it ran: its answer is not kept for replay');
        }
        sendJson(res, status, result.body ?? {});
      } catch (err) {
        if (key && claim) await idempotency.release(account.accountId, key, claim).catch(() => undefined);
        throw err;
      } finally {
        stopRenewing?.();
      }
    } catch (err) {
      sendError(res, err, requestId, log);
    }
  };
}

/** Reads a form only to fingerprint it: a replayed upload is compared, not stored again. */
async function fingerprintForm(req: IncomingMessage, route: RestRoute, hash: Hash): Promise<void> {
  if (!route.multipart) return;
  const fileField = Object.entries(route.multipart.fields).find(([, field]) => field.type === 'file')?.[0] ?? 'file';
  await readMultipart(req, fileField, (part) => finished(part.stream.resume()), (content) => hash.update(content));
}


function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
