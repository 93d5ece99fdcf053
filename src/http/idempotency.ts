import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../platform/db.ts';
import { invalidRequest, validationError } from '../platform/errors.ts';

const TTL_MS = 24 * 3600 * 1000;
const WAIT_FOR_FIRST_MS = 60_000;

export interface ClaimTiming {
  /** How often a running request renews its claim on a key. */
  renewEveryMs: number;
  /** A claim not renewed for this long was left by a process that died: the next request takes it. */
  staleAfterMs: number;
}

// Stale well inside WAIT_FOR_FIRST_MS, so a retry that arrives as the first request's process dies
// takes the key over instead of giving up.
const CLAIM_TIMING: ClaimTiming = { renewEveryMs: 15_000, staleAfterMs: 45_000 };
const KEY = /^[\x21-\x7e]{1,255}$/;
const CANONICAL_DEPTH = 64;

/**
 * A JSON body as the fingerprint sees it: object keys sorted, no whitespace, so the same document
 * sent again with its keys in another order is the same request. Undefined past CANONICAL_DEPTH
 * (no such body passes validation; the caller then fingerprints the raw text).
 */
export function canonicalJson(value: unknown, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (depth >= CANONICAL_DEPTH) return undefined;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = canonicalJson(item, depth + 1);
      if (text === undefined) return undefined;
      parts.push(text);
    }
    return `[${parts.join(',')}]`;
  }
  for (const key of Object.keys(value).sort()) {
    const text = canonicalJson((value as Record<string, unknown>)[key], depth + 1);
    if (text === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  requestHash: string;
}

/**
 * Idempotency-Key on POST: the first request with a key runs and its 2xx answer is kept for 24 h; a
 * later request with the same key and the same body gets that answer again and creates nothing; the
 * same key with another body is 422. A request that fails is forgotten, so it can be retried.
 */
export function idempotencyStore(db: Db, timing: ClaimTiming = CLAIM_TIMING) {
  const where = (accountId: string, key: string) => ({ accountId_key: { accountId, key } });

  async function find(accountId: string, key: string) {
    const record = await db.idempotencyRecord.findUnique({ where: where(accountId, key) });
    if (record && Date.now() - record.createdAt.getTime() > TTL_MS) {
      await db.idempotencyRecord.deleteMany({ where: { accountId, key, createdAt: record.createdAt } });
      return null;
    }
    return record;
  }

  return {
    checkKey(key: string): string {
      if (!KEY.test(key)) throw invalidRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.');
      return key;
    },

    /**
     * Either the earlier answer (waiting for it when that request is still running) or a claim on the
     * key: a token that hold, complete and release name, so a request whose claim was taken over (its
     * renewals were late) cannot touch the claim of the request that took it.
     */
    async begin(accountId: string, key: string): Promise<StoredResponse | { claim: string }> {
      const deadline = Date.now() + WAIT_FOR_FIRST_MS;
      for (;;) {
        const record = await find(accountId, key);
        if (!record) {
          const claim = randomUUID();
          // Raw, so renewed_at is the database's now(), as every renewal and staleness check uses.
          const created = await db.$executeRaw`
            INSERT INTO idempotency_records (account_id, "key", claim) VALUES (${accountId}::uuid, ${key}, ${claim}::uuid)
            ON CONFLICT DO NOTHING`;
          if (created === 1) return { claim };
          continue; // another request claimed it a moment ago
        }
        if (record.status !== null && record.requestHash !== null) {
          return { status: record.status, body: record.responseBody, requestHash: record.requestHash };
        }
        // By the database's clock: the processes' clocks may disagree with one another.
        const takenOver = await db.$executeRaw`
          DELETE FROM idempotency_records WHERE account_id = ${accountId}::uuid AND "key" = ${key} AND status IS NULL
            AND renewed_at < now() - make_interval(secs => ${timing.staleAfterMs / 1000})`;
        if (takenOver > 0) continue;
        if (Date.now() > deadline) throw invalidRequest('A request with this Idempotency-Key is still being processed.');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },

    /** Renews a claim while its request runs (an upload may take many minutes); returns the stop. */
    hold(accountId: string, key: string, claim: string): () => void {
      const timer = setInterval(() => {
        db.$executeRaw`
          UPDATE idempotency_records SET renewed_at = now()
          WHERE account_id = ${accountId}::uuid AND "key" = ${key} AND claim = ${claim}::uuid AND status IS NULL`.catch(() => undefined); // a missed renewal only shortens the lease
      }, timing.renewEveryMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    /** Keeps the answer for replay; false when the claim was taken over meanwhile (the answer is not kept). */
    async complete(accountId: string, key: string, claim: string, requestHash: string, status: number, body: unknown): Promise<boolean> {
      const kept = await db.idempotencyRecord.updateMany({
        where: { accountId, key, claim, status: null },
        data: { requestHash, status, responseBody: body as Prisma.InputJsonValue },
      });
      return kept.count === 1;
    },

    async release(accountId: string, key: string, claim: string): Promise<void> {
      await db.idempotencyRecord.deleteMany({ where: { accountId, key, claim, status: null } });
    },

    assertSameRequest(stored: StoredResponse, requestHash: string): void {
      if (stored.requestHash !== requestHash) {
        throw validationError('This Idempotency-Key was already used with a different request.', [
          { loc: ['header', 'idempotency-key'], msg: 'already used with a different request body', type: 'value_error' },
        ]);
      }
    },
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;
