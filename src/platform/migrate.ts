import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (m: string) => void;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// The key Prisma's schema engine locks with, so our runner and `prisma migrate deploy` also exclude each other.
const PRISMA_MIGRATE_LOCK = 72707369;

// Same definition as Prisma's schema engine, so `prisma migrate deploy` can take over this table later.
const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`;

/** Applies pending `<dir>/<name>/migration.sql` files in name order; returns the names applied now. */
export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<string[]> {
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  // A dropped connection already rejects the query in flight; unobserved, the 'error' event would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const rows = (await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      )).rows;
      const pending = pendingMigrations(migrations, rows, migrationsDir);
      for (const migration of pending) {
        await applyMigration(client, migration);
        opts.log?.(`migrate: applied ${migration.name}`);
      }
      return pending.map((m) => m.name);
    } finally {
      // On a broken connection the server has released the lock already; keep the original error.
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  // Plain code-unit order, as Prisma sorts them: the timestamp prefix makes it chronological.
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(migrationsDir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

function pendingMigrations(migrations: Migration[], rows: AppliedRow[], migrationsDir: string): Migration[] {
  const live = rows.filter((r) => r.rolled_back_at === null);
  const failed = live.find((r) => r.finished_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} started but never finished (a failed \`prisma migrate deploy\`?); ` +
        'repair the database, then mark it with `prisma migrate resolve`',
    );
  }
  const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new Error(
        `Migration ${m.name} was modified after it was applied (checksum ${checksum} in the database, ` +
          `${m.checksum} in ${path.join(migrationsDir, m.name, 'migration.sql')}); restore the file and add a new migration instead`,
      );
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}

async function applyMigration(client: pg.Client, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: err });
  }
}
