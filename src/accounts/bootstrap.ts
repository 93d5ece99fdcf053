import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { countApiKeys, createApiKey, DEFAULT_ACCOUNT, ensureAccount, ensureApiKey } from './accounts-service.ts';

/**
 * BOOTSTRAP_API_KEY is ensured for the default account (unless it was revoked). Without it, the very
 * first start (no keys at all) creates one and returns it so main can print it once; later starts
 * create nothing.
 */
export async function bootstrapApiKey(db: Db, configured: string | undefined, log: Logger): Promise<string | undefined> {
  await ensureAccount(db, DEFAULT_ACCOUNT);
  // Serialised so that two processes starting together create one key, not two (or fail on the second).
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ffapi.bootstrap-key'))`;
    if (configured) {
      if ((await ensureApiKey(tx, DEFAULT_ACCOUNT, configured)) === 'revoked') {
        log.warn('BOOTSTRAP_API_KEY was revoked and stays revoked: it lets no request in (set a new key or remove the setting)');
      }
      return undefined;
    }
    if ((await countApiKeys(tx)) > 0) return undefined;
    return createApiKey(tx as unknown as Db, DEFAULT_ACCOUNT);
  });
}
