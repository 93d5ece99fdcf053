import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../platform/db.ts';
import { validationError } from '../platform/errors.ts';
import { API_KEY_PATTERN, generateApiKey, hashApiKey, hashesEqual, keyPrefix } from './api-keys.ts';

export const DEFAULT_ACCOUNT = 'default';

/** The client or an open transaction: both work for every function here. */
type DbClient = Db | Prisma.TransactionClient;

export interface AuthenticatedAccount {
  accountId: string;
  keyId: string;
  /** The account's own limit; null means the service default. */
  rateLimitPerMinute: number | null;
}

export async function ensureAccount(db: DbClient, name: string): Promise<{ id: string; name: string }> {
  // Not upsert: Prisma runs it as a read, then an insert, which fails when two processes start together.
  await db.account.createMany({ data: [{ id: randomUUID(), name }], skipDuplicates: true });
  return db.account.findUniqueOrThrow({ where: { name }, select: { id: true, name: true } });
}

/**
 * Creates a new key for the account (creating the account if needed); the key is shown only here.
 * Keys are looked up by a 32-bit prefix, which must be unique: a generated key that meets one
 * already taken is generated again, a given key (BOOTSTRAP_API_KEY) is refused.
 */
export async function createApiKey(db: DbClient, accountName: string, key?: string, generate = generateApiKey): Promise<string> {
  if (key !== undefined && !API_KEY_PATTERN.test(key)) throw validationError('An API key is ffsk_ followed by 64 lowercase hex characters.');
  const account = await ensureAccount(db, accountName);
  for (let attempt = 1; ; attempt++) {
    const candidate = key ?? generate();
    // createMany: a taken prefix is skipped, not an error that would abort the caller's transaction.
    const { count } = await db.apiKey.createMany({
      data: [{ id: randomUUID(), accountId: account.id, prefix: keyPrefix(candidate), hash: hashApiKey(candidate) }],
      skipDuplicates: true,
    });
    if (count === 1) return candidate;
    if (key !== undefined || attempt >= 5) {
      throw validationError(`Another API key begins with ${keyPrefix(candidate)}: the first 8 hex characters must differ.`);
    }
  }
}

/**
 * Makes sure the given key exists for the account. A revoked key stays revoked: revoking is how an
 * operator withdraws a leaked key, and a restart with the old environment must not undo that.
 */
export async function ensureApiKey(db: DbClient, accountName: string, key: string): Promise<'created' | 'exists' | 'revoked'> {
  const existing = await db.apiKey.findUnique({ where: { hash: hashApiKey(key) } });
  if (existing) return existing.revokedAt ? 'revoked' : 'exists';
  await createApiKey(db, accountName, key);
  return 'created';
}

export async function countApiKeys(db: DbClient): Promise<number> {
  return db.apiKey.count({ where: { revokedAt: null } });
}

export async function listApiKeys(db: DbClient) {
  const keys = await db.apiKey.findMany({ include: { account: true }, orderBy: { createdAt: 'asc' } });
  return keys.map((k) => ({
    prefix: k.prefix,
    account: k.account.name,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  }));
}

/** Sets an account's requests-per-minute limit per key (null: back to the default). */
export async function setRateLimit(db: DbClient, accountName: string, perMinute: number | null): Promise<boolean> {
  const result = await db.account.updateMany({ where: { name: accountName }, data: { rateLimitPerMinute: perMinute } });
  return result.count > 0;
}

export async function revokeApiKey(db: DbClient, prefix: string): Promise<boolean> {
  const result = await db.apiKey.updateMany({ where: { prefix, revokedAt: null }, data: { revokedAt: new Date() } });
  return result.count > 0;
}

export async function verifyApiKey(db: DbClient, key: string | null | undefined): Promise<AuthenticatedAccount | null> {
  if (!key || !API_KEY_PATTERN.test(key)) return null;
  const row = await db.apiKey.findUnique({ where: { prefix: keyPrefix(key) }, include: { account: { select: { rateLimitPerMinute: true } } } });
  if (!row || row.revokedAt || !hashesEqual(row.hash, hashApiKey(key))) return null;
  return { accountId: row.accountId, keyId: row.id, rateLimitPerMinute: row.account.rateLimitPerMinute };
}
