// npm run apikey -- create --account NAME | list | revoke KEY_PREFIX
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, MAX_RATE_LIMIT_PER_MINUTE as MAX_PER_MINUTE } from '../config.ts';
import { createDb } from '../platform/db.ts';
import { openEmbeddedPostgres } from '../platform/embedded-postgres.ts';
import { migrate } from '../platform/migrate.ts';
import { createApiKey, listApiKeys, revokeApiKey, setRateLimit } from './accounts-service.ts';

const USAGE = `Usage:
  npm run apikey -- create --account NAME   print a new key for NAME (the account is created if needed)
  npm run apikey -- list                    list keys (prefix, account, created, last used, revoked)
  npm run apikey -- revoke KEY_PREFIX       revoke the key(s) with this prefix (ffsk_ + 8 hex)
  npm run apikey -- rate-limit --account NAME --per-minute N|default
                                            requests per minute per key for NAME's keys`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { account: { type: 'string' }, 'per-minute': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, argument] = positionals;
  if (values.help || !command || !['create', 'list', 'revoke', 'rate-limit'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const perMinute = values['per-minute'] === 'default' ? null : Number(values['per-minute']);
  // The bounds of RATE_LIMIT_PER_MINUTE (within the column's integer).
  const validLimit = perMinute === null || (Number.isInteger(perMinute) && perMinute > 0 && perMinute <= MAX_PER_MINUTE);
  if (command === 'rate-limit' && (!values.account?.trim() || !validLimit)) {
    process.stderr.write(`rate-limit needs --account NAME and --per-minute N (an integer from 1 to ${MAX_PER_MINUTE}) or default\n${USAGE}\n`);
    return 2;
  }
  if (command === 'create' && !values.account?.trim()) {
    process.stderr.write(`create needs --account NAME\n${USAGE}\n`);
    return 2;
  }
  if (command === 'revoke' && !argument) {
    process.stderr.write(`revoke needs a KEY_PREFIX\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  // Without DATABASE_URL, use the embedded Postgres: the running server's if there is one.
  const embedded = config.databaseUrl ? undefined : await openEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg') });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const db = createDb(databaseUrl, { maxConnections: 2 });
  try {
    await migrate(databaseUrl);
    if (command === 'create') {
      process.stdout.write(`${await createApiKey(db, values.account!.trim())}\n`);
    } else if (command === 'list') {
      for (const key of await listApiKeys(db)) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        const used = key.lastUsedAt ? key.lastUsedAt.toISOString() : 'never';
        process.stdout.write(`${key.prefix}\t${key.account}\tcreated ${key.createdAt.toISOString()}\tlast used ${used}\t${state}\n`);
      }
    } else if (command === 'rate-limit') {
      if (!(await setRateLimit(db, values.account!.trim(), perMinute))) {
        process.stderr.write(`No account named ${values.account}\n`);
        return 1;
      }
      process.stdout.write(`${values.account}: ${perMinute ?? 'default'} requests per minute per key\n`);
    } else if (!(await revokeApiKey(db, argument!))) {
      process.stderr.write(`No active key with prefix ${argument}\n`);
      return 1;
    } else {
      process.stdout.write(`Revoked ${argument}\n`);
    }
    return 0;
  } finally {
    await db.$disconnect();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
