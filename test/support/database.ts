// Each integration test file gets its own freshly migrated database on the run's server (see
// global-setup.ts), so files run in parallel without seeing each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../src/platform/migrate.ts';

export interface TestDatabase {
  name: string;
  url: string;
  /** Terminates every connection to the database, then drops it. Safe to call twice. */
  drop(): Promise<void>;
}

/** URL of the server's admin database: the one that creates and drops the per-file databases. */
export function adminDatabaseUrl(): string {
  const url = inject('adminDatabaseUrl') ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "No test Postgres: add globalSetup: ['test/support/global-setup.ts'] to vitest.config.ts or set DATABASE_URL",
    );
  }
  return url;
}

/** Creates `t_<random>` and applies every migration (unless `migrate: false`, for tests of the runner itself). */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const admin = adminDatabaseUrl();
  const name = `t_${randomBytes(8).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = databaseUrl(admin, name);
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= dropDatabase(admin, name));
  if (opts.migrate ?? true) {
    try {
      await migrate(url);
    } catch (err) {
      await drop();
      throw err;
    }
  }
  return { name, url, drop };
}

/** Runs `fn` with a connected client and always closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // the query in flight rejects anyway; unobserved, 'error' kills the worker
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The same server and credentials as `serverUrl`, pointing at database `name`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

async function dropDatabase(admin: string, name: string): Promise<void> {
  // FORCE terminates the database's connections and drops it atomically, so a pool cannot sneak back in between.
  await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}
