// The API-key cache on a real Postgres: what anyone can send (new unknown keys) must not evict the
// valid keys callers use, or a flood of random keys would send every request back to the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/accounts-service.ts';
import { generateApiKey } from '../src/accounts/api-keys.ts';
import { createAuthenticator } from '../src/accounts/authenticator.ts';
import { createDb, type Db } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('API key cache', () => {
  it('keeps a valid key cached while 10,001 unknown keys come and go', async () => {
    const authenticate = createAuthenticator(db, createLogger('silent'), 600_000);
    const key = await createApiKey(db, 'cached');
    expect(await authenticate(key)).toMatchObject({ keyId: expect.any(String) });
    // Revoked in the database: only a cache hit still lets the key in (within the cache time).
    await db.apiKey.updateMany({ data: { revokedAt: new Date() } });
    for (let i = 0; i <= 10_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, () => authenticate(generateApiKey())));
    }
    expect(await authenticate(key)).toMatchObject({ keyId: expect.any(String) });
    // A fresh authenticator, with no cache, sees the revocation.
    expect(await createAuthenticator(db, createLogger('silent'))(key)).toBeNull();
  }, 60_000);
});
