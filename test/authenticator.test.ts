// The API-key cache on a real Postgres: what anyone can send (new unknown keys) must not evict the
// valid keys callers use, or a flood of random keys would send every request back to the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/accounts/accounts-service.ts';
import { generateApiKey, keyPrefix } from '../src/accounts/api-keys.ts';
import { bootstrapApiKey } from '../src/accounts/bootstrap.ts';
import { pino } from 'pino';
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

describe('API key prefixes', () => {
  // Keys are found by their first 8 hex characters: one in 4 billion pairs share them.
  const withPrefix = (fill: string) => `ffsk_deadbeef${fill.repeat(56)}`;

  it('a generated key that meets a taken prefix is generated again; a given one is refused', async () => {
    expect(await createApiKey(db, 'prefix-a', withPrefix('0'))).toBe(withPrefix('0'));
    const generated = [withPrefix('1'), withPrefix('2'), generateApiKey()];
    const key = await createApiKey(db, 'prefix-b', undefined, () => generated.shift()!);
    expect(keyPrefix(key)).not.toBe('ffsk_deadbeef');
    expect(generated).toHaveLength(0);
    await expect(createApiKey(db, 'prefix-c', withPrefix('3'))).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('ffsk_deadbeef') });
    expect(await db.apiKey.count({ where: { prefix: 'ffsk_deadbeef' } })).toBe(1);
  });
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

describe('BOOTSTRAP_API_KEY', () => {
  it('is created once by processes starting together, and a revoked one stays revoked at the next start', async () => {
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    const key = generateApiKey();
    expect(await Promise.all([1, 2, 3].map(() => bootstrapApiKey(db, key, log)))).toEqual([undefined, undefined, undefined]);
    expect(await db.apiKey.count({ where: { prefix: keyPrefix(key) } })).toBe(1);
    expect(await createAuthenticator(db, log)(key)).toMatchObject({ keyId: expect.any(String) });

    expect(await revokeApiKey(db, keyPrefix(key))).toBe(true);
    await bootstrapApiKey(db, key, log); // a restart with the same environment
    expect(await createAuthenticator(db, log)(key)).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/BOOTSTRAP_API_KEY was revoked and stays revoked/)]);
  });
});
