import type { Db } from '../platform/db.ts';
import { countApiKeys, createApiKey, DEFAULT_ACCOUNT, ensureAccount, ensureApiKey } from './accounts-service.ts';

/**
 * BOOTSTRAP_API_KEY is ensured for the default account. Without it, the very first start (no keys at
 * all) creates one and returns it so main can print it once; later starts create nothing.
 */
export async function bootstrapApiKey(db: Db, configured: string | undefined): Promise<string | undefined> {
  await ensureAccount(db, DEFAULT_ACCOUNT);
  if (configured) {
    await ensureApiKey(db, DEFAULT_ACCOUNT, configured);
    return undefined;
  }
  // Serialised so that two processes starting together on an empty database create one key, not two.
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ffapi.bootstrap-key'))`;
    if ((await countApiKeys(tx)) > 0) return undefined;
    return createApiKey(tx as unknown as Db, DEFAULT_ACCOUNT);
  });
}
