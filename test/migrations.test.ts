// Fails when prisma/schema.prisma (as generated) and the committed SQL migrations disagree, and checks the
// migration runner's bookkeeping against what `prisma migrate deploy` would leave behind.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/platform/migrate.ts';
import { createTestDatabase, withClient, type TestDatabase } from './support/database.ts';
import { actualSchema, expectedSchema, schemaDrift } from './support/schema-drift.ts';

const migrationsDir = path.resolve(import.meta.dirname, '../prisma/migrations');
const databases: TestDatabase[] = [];
const tempDirs: string[] = [];
async function freshDatabase(opts?: { migrate?: boolean }) {
  const db = await createTestDatabase(opts);
  databases.push(db);
  return db;
}
async function copyOfMigrations() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-migrations-'));
  tempDirs.push(dir);
  await cp(migrationsDir, dir, { recursive: true });
  return dir;
}
const migrationNames = async (dir: string) =>
  (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
afterAll(async () => {
  await Promise.all([...databases.map((db) => db.drop()), ...tempDirs.map((dir) => rm(dir, { recursive: true }))]);
});

describe('schema.prisma and prisma/migrations', () => {
  it('describe the same tables, columns, types, enums and unique indexes', async () => {
    const db = await freshDatabase();
    expect(schemaDrift(await expectedSchema(), await actualSchema(db.url))).toEqual([]);
  });

  it('reports fields, nullability, enum values and tables that disagree', async () => {
    const db = await freshDatabase();
    const expected = await expectedSchema();
    const files = expected.tables.get('files')!;
    files.columns.set('ghost', { nullable: true, type: 'text' });
    files.columns.set('filename', { ...files.columns.get('filename')!, nullable: true });
    expected.enums.get('file_status')!.push('ARCHIVED');
    expected.tables.delete('settings');
    expect(schemaDrift(expected, await actualSchema(db.url))).toEqual([
      'column files.filename is text NOT NULL, schema says text NULL',
      'column files.ghost is missing',
      'table settings is not in schema.prisma',
      'enum file_status has [PROCESSING,STORED,FAILED], schema says [PROCESSING,STORED,FAILED,ARCHIVED]',
    ]);
  });

  it('reports a column that a migration forgot', async () => {
    const dir = await copyOfMigrations();
    const sqlFile = path.join(dir, (await migrationNames(dir))[0]!, 'migration.sql');
    const sql = await readFile(sqlFile, 'utf8');
    expect(sql).toMatch(/^\s*"codec" TEXT,\n/m);
    await writeFile(sqlFile, sql.replace(/^\s*"codec" TEXT,\n/m, ''));
    const db = await freshDatabase({ migrate: false });
    await migrate(db.url, { migrationsDir: dir });
    expect(schemaDrift(await expectedSchema(), await actualSchema(db.url))).toEqual(['column files.codec is missing']);
  });
});

describe('migrate()', () => {
  it('records migrations as Prisma does and applies nothing the second time', async () => {
    const db = await freshDatabase({ migrate: false });
    const names = await migrationNames(migrationsDir);
    expect(await migrate(db.url)).toEqual(names);
    expect(await migrate(db.url)).toEqual([]);
    const rows = await withClient(db.url, async (c) => (await c.query(`SELECT migration_name, checksum, applied_steps_count,
      finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY migration_name`)).rows);
    const sha256 = async (name: string) => createHash('sha256').update(await readFile(path.join(migrationsDir, name, 'migration.sql'))).digest('hex');
    expect(rows).toEqual(await Promise.all(names.map(async (name) => ({
      migration_name: name, checksum: await sha256(name), applied_steps_count: 1, finished_at: expect.any(Date), rolled_back_at: null, logs: null,
    }))));
  });

  it('applies each migration exactly once when two runners start together', async () => {
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, '29991231000000_second'));
    await writeFile(path.join(dir, '29991231000000_second/migration.sql'), 'CREATE TABLE "second" ("id" INTEGER NOT NULL);\n');
    const db = await freshDatabase({ migrate: false });
    const [a, b] = await Promise.all([migrate(db.url, { migrationsDir: dir }), migrate(db.url, { migrationsDir: dir })]);
    const names = await migrationNames(dir);
    expect([...a!, ...b!].sort()).toEqual(names);
    const counts = await withClient(db.url, async (c) => (await c.query(
      'SELECT migration_name AS name, count(*)::int AS n FROM _prisma_migrations GROUP BY 1 ORDER BY 1')).rows);
    expect(counts).toEqual(names.map((name) => ({ name, n: 1 })));
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = await copyOfMigrations();
    const db = await freshDatabase({ migrate: false });
    await migrate(db.url, { migrationsDir: dir });
    const [name] = await migrationNames(dir);
    await writeFile(path.join(dir, name!, 'migration.sql'), '-- edited\n', { flag: 'a' });
    await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(`Migration ${name} was modified after it was applied`);
  });

  it('rolls a failing migration back and records nothing for it', async () => {
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, '29991231000000_broken'));
    await writeFile(path.join(dir, '29991231000000_broken/migration.sql'), 'CREATE TABLE "half" ("id" INTEGER);\nSELEC 1;\n');
    const db = await freshDatabase({ migrate: false });
    await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(/Migration 29991231000000_broken failed and was rolled back: syntax error/);
    const state = await withClient(db.url, async (c) => (await c.query(
      `SELECT to_regclass('half') IS NULL AS rolled_back, array_agg(migration_name ORDER BY migration_name) AS names FROM _prisma_migrations`)).rows[0]);
    expect(state).toEqual({ rolled_back: true, names: await migrationNames(migrationsDir) });
  });
});
