import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { RateLimitedError, unauthorized } from '../platform/errors.ts';
import { hashApiKey } from './api-keys.ts';
import type { ConsumeRateLimit } from './rate-limiter.ts';
import { verifyApiKey, type AuthenticatedAccount } from './accounts-service.ts';

const LAST_USED_WRITE_MS = 60_000;
const MAX_CACHED = 10_000;

/** Verifies API keys with a short in-memory cache so a hot read path does not hash-and-query every time. */
// Revocation takes effect within cacheMs.
export function createAuthenticator(db: Db, log: Logger, cacheMs = 5_000) {
  // Unknown keys are remembered apart from valid ones: anyone can send new unknown keys, and when
  // they fill their map it is theirs that is cleared, never the callers' valid keys.
  const valid = new Map<string, { result: AuthenticatedAccount; expires: number }>();
  const unknown = new Map<string, number>();
  const lastWritten = new Map<string, number>();

  const touch = (keyId: string, now: number) => {
    if ((lastWritten.get(keyId) ?? 0) + LAST_USED_WRITE_MS > now) return;
    lastWritten.set(keyId, now);
    db.apiKey
      .update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } })
      .catch((err: unknown) => log.warn({ err }, 'could not record API key use'));
  };

  return async function authenticate(key: string | null | undefined): Promise<AuthenticatedAccount | null> {
    if (!key) return null;
    const now = Date.now();
    const cacheKey = hashApiKey(key);
    const hit = valid.get(cacheKey);
    let result: AuthenticatedAccount | null;
    if (hit && hit.expires > now && cacheMs > 0) {
      result = hit.result;
    } else if ((unknown.get(cacheKey) ?? 0) > now && cacheMs > 0) {
      result = null;
    } else {
      result = await verifyApiKey(db, key);
      const cache: Map<string, unknown> = result ? valid : unknown;
      if (cache.size >= MAX_CACHED && !cache.has(cacheKey)) cache.clear();
      if (result) valid.set(cacheKey, { result, expires: now + cacheMs });
      else unknown.set(cacheKey, now + cacheMs);
    }
    if (result) touch(result.keyId, now);
    return result;
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

/**
 * Who is calling, within their rate limit: throws UNAUTHORIZED for a missing, unknown or revoked key
 * and RATE_LIMITED (with Retry-After) over the key's per-minute limit.
 */
export function createAuthorizer(authenticate: Authenticate, consume: ConsumeRateLimit, defaultPerMinute: number) {
  const authorize = async function authorize(key: string | null | undefined): Promise<AuthenticatedAccount> {
    const account = await authenticate(key);
    if (!account) throw unauthorized();
    const decision = await consume(account.keyId, account.rateLimitPerMinute ?? defaultPerMinute);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
    return account;
  };
  // Without the rate limit: a long subscription checks that its key still holds, which is no request.
  return Object.assign(authorize, { authenticate });
}

export type Authorize = ReturnType<typeof createAuthorizer>;
