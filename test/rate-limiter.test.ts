// The rate limiter under concurrency, on a real Postgres: requests that find the budget empty at the
// same moment share one claim, so a key's minute is not used up by claims its requests never needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/accounts-service.ts';
import { createRateLimiter } from '../src/accounts/rate-limiter.ts';
import { createDb, type Db } from '../src/platform/db.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;
let db: Db;
let keyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await createApiKey(db, 'limited');
  keyId = (await db.apiKey.findFirstOrThrow()).id;
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const claimed = async () =>
  (await db.$queryRaw<{ count: number }[]>`SELECT coalesce(sum(count), 0)::int AS count FROM rate_limit_windows WHERE key_id = ${keyId}::uuid`)[0]!.count;

describe('rate limiter', () => {
  it('lets 200 concurrent requests through a limit of 6000 with a few shared claims', async () => {
    const consume = createRateLimiter(db);
    const decisions = await Promise.all(Array.from({ length: 200 }, () => consume(keyId, 6000)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(200);
    // Chunks of 60 (1% of the limit): 4 claims would do; one per request would be 12000, over the limit.
    // A minute boundary during the test may add a claim in the next window.
    expect(await claimed()).toBeLessThanOrEqual(5 * 60);
  });

  it('still stops at the limit when requests arrive together', async () => {
    await db.$executeRaw`DELETE FROM rate_limit_windows`;
    const consume = createRateLimiter(db);
    const decisions = await Promise.all(Array.from({ length: 150 }, () => consume(keyId, 100)));
    const allowed = decisions.filter((d) => d.allowed).length;
    // Exactly the limit, unless the minute turned during the burst (then up to a second minute's worth).
    expect(allowed === 100 || (allowed > 100 && allowed <= 150)).toBe(true);
    expect(decisions.find((d) => !d.allowed)?.retryAfterSeconds ?? 1).toBeGreaterThanOrEqual(1);
  });
});
