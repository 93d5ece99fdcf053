import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { AuthenticatedAccount } from '../accounts/accounts-service.ts';
import type { Authorize } from '../accounts/authenticator.ts';
import { canonicalJson, idempotencyStore } from '../http/idempotency.ts';
import { headerValue, sendJson } from '../http/respond.ts';
import type { Deps } from '../platform/context.ts';
import { AppError, invalidRequest } from '../platform/errors.ts';

/** A claimed key, settled by the answer yoga gives (useIdempotentAnswer). */
export interface PendingIdempotency {
  settle(status: number, body: unknown): Promise<void>;
  /** Gives the key up unless settle kept an answer: a request that failed is forgotten. */
  end(): Promise<void>;
}

/**
 * Idempotency-Key on POST /graphql, by the REST rules: the first request runs and a kept answer is
 * replayed (Idempotent-Replayed: true) to the same key with the same operation, query and variables;
 * another body is 422. Only JSON requests: an upload's fingerprint would need its file read first.
 */
export function graphqlIdempotency(deps: Deps, authorize: Authorize) {
  const store = idempotencyStore(deps.db);
  return {
    /** Refuses a key on a multipart request before its body is read. */
    checkRequest(req: IncomingMessage): void {
      if (req.method !== 'POST' || headerValue(req, 'idempotency-key') === undefined) return;
      if (/^multipart\//i.test(headerValue(req, 'content-type') ?? '')) {
        req.resume();
        throw invalidRequest('Idempotency-Key is not taken on a GraphQL upload (multipart): upload through POST /api/v1/files/upload to use one.');
      }
    },

    /**
     * 'answered' when the earlier answer was sent; else the account this request was counted for (the
     * rate limit, as REST counts a replay too; yoga's context must not count it again) and the claim
     * to settle; undefined without a key.
     */
    async begin(
      req: IncomingMessage,
      res: ServerResponse,
      bodyParams: unknown,
    ): Promise<'answered' | { account: AuthenticatedAccount; pending: PendingIdempotency } | undefined> {
      const given = req.method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
      if (given === undefined) return undefined;
      const key = store.checkKey(given);
      // Without a valid key yoga answers 401 itself; over the rate limit, the 429 is thrown here.
      let account: AuthenticatedAccount;
      try {
        account = await authorize(headerValue(req, 'x-api-key'));
      } catch (err) {
        if (err instanceof AppError && err.code === 'UNAUTHORIZED') return undefined;
        throw err;
      }
      const requestHash = createHash('sha256')
        .update(`POST /graphql\n${canonicalJson(bodyParams) ?? JSON.stringify(bodyParams)}`)
        .digest('hex');
      const earlier = await store.begin(account.accountId, key);
      if (!('claim' in earlier)) {
        store.assertSameRequest(earlier, requestHash);
        sendJson(res, earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
        return 'answered';
      }
      const { claim } = earlier;
      const stopRenewing = store.hold(account.accountId, key, claim);
      let kept = false;
      const pending: PendingIdempotency = {
        async settle(status, body) {
          kept = await store.complete(account.accountId, key, claim, requestHash, status, body);
          if (!kept) deps.log.warn({ idempotencyKey: key }, 'this request lost its Idempotency-Key claim while it ran: its answer is not kept for replay');
        },
        async end() {
          stopRenewing();
          if (!kept) await store.release(account.accountId, key, claim).catch(() => undefined);
        },
      };
      return { account, pending };
    },
  };
}

/**
 * Keeps yoga's answer for a claimed key when something was done: no errors, or data in at least one
 * root field (one mutation of two succeeded: running it again would do it twice), whatever the status
 * (yoga gives the whole answer the status of its worst error, a 503 of the other mutation, say).
 * Streams (SSE, incremental delivery) are not kept.
 */
export const useIdempotentAnswer = (): Plugin => ({
  async onResponse({ response, serverContext }) {
    const pending = (serverContext as { idempotency?: PendingIdempotency } | undefined)?.idempotency;
    if (!pending || !/json/i.test(response.headers.get('content-type') ?? '')) return;
    const body = (await response.clone().json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    const didSomething = !body.errors?.length || Object.values(body.data ?? {}).some((value) => value !== null);
    if (didSomething) await pending.settle(response.status, body);
  },
});
