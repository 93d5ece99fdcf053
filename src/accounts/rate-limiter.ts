import type { Db } from '../platform/db.ts';

const WINDOW_MS = 60_000;

export interface RateLimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Per-key, per-minute counts kept in Postgres so that every API process agrees. A process claims
 * request budget in chunks (1% of the limit, at least one) rather than writing once per request;
 * at most a chunk per process per minute can go unused.
 */
export function createRateLimiter(db: Db) {
  const budgets = new Map<string, number>(); // keyId → requests this process may still let through
  const spent = new Set<string>(); // keys whose minute is used up everywhere
  // One claim at a time per key: requests that find the budget empty together wait for the same
  // claim. Each claiming on its own would take a chunk apiece (64 connections, 64 chunks) and use up
  // the key's minute long before its requests did.
  const claiming = new Map<string, Promise<void>>();
  let currentWindow = 0;

  async function claim(keyId: string, windowStart: number, chunk: number, limit: number): Promise<number> {
    const rows = await db.$queryRaw<{ count: number }[]>`
      INSERT INTO rate_limit_windows (key_id, window_start, count)
      VALUES (${keyId}::uuid, ${new Date(windowStart)}, ${chunk})
      ON CONFLICT (key_id, window_start) DO UPDATE SET count = rate_limit_windows.count + ${chunk}
      RETURNING count`;
    const total = rows[0]!.count;
    return Math.max(0, chunk - Math.max(0, total - limit));
  }

  return async function consume(keyId: string, limitPerMinute: number): Promise<RateLimitDecision> {
    for (;;) {
      const now = Date.now();
      const windowStart = now - (now % WINDOW_MS);
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
      if (windowStart !== currentWindow) {
        currentWindow = windowStart;
        budgets.clear();
        spent.clear();
      }
      if (spent.has(keyId)) return { allowed: false, retryAfterSeconds };
      const left = budgets.get(keyId) ?? 0;
      if (left > 0) {
        budgets.set(keyId, left - 1);
        return { allowed: true, retryAfterSeconds };
      }
      let pending = claiming.get(keyId);
      if (!pending) {
        const chunk = Math.max(1, Math.floor(limitPerMinute / 100));
        pending = claim(keyId, windowStart, chunk, limitPerMinute)
          .then((granted) => {
            if (currentWindow !== windowStart) return; // a new minute began meanwhile: its own budget
            if (granted === 0) spent.add(keyId);
            else budgets.set(keyId, (budgets.get(keyId) ?? 0) + granted);
          })
          .finally(() => claiming.delete(keyId));
        claiming.set(keyId, pending);
      }
      await pending;
    }
  };
}

export type ConsumeRateLimit = ReturnType<typeof createRateLimiter>;
