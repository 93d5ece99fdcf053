import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ServiceContext } from '../platform/context.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RestResult {
  status?: number;
  body?: unknown;
  redirect?: string;
}

/**
 * A REST route is data: the adapter validates params, query and body against these schemas, calls
 * handle with the same service context GraphQL resolvers use, and the OpenAPI document is built from
 * the same table.
 */
export interface RestRoute<P = any, Q = any, B = any> {
  method: HttpMethod;
  path: string; // express-style: /api/v1/files/:fileId
  operationId: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** JSON body schema; `multipart` routes read the request stream themselves. */
  body?: z.ZodType<B>;
  multipart?: { fields: Record<string, { type: 'file' | 'string'; description: string }> };
  response: { status: number; description: string; schema?: z.ZodType; redirect?: boolean };
  errors: number[];
  handle(
    ctx: ServiceContext,
    input: {
      params: P;
      query: Q;
      body: B;
      request: IncomingMessage;
      /** Streaming routes pass every body chunk here (the Idempotency-Key fingerprint). */
      fingerprint: ((content: string) => void) | undefined;
    },
  ): Promise<RestResult>;
}

export function defineRoute<P, Q, B>(route: RestRoute<P, Q, B>): RestRoute<P, Q, B> {
  return route;
}

/** `limit` (1–100, default 50) and `offset` (default 0), as every list route of API.md takes them. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});
