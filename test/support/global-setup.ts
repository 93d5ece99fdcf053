// vitest globalSetup: one Postgres server for the whole run. DATABASE_URL (a role that may CREATE DATABASE)
// wins; without it an embedded server starts under the run's temp dir and is removed at teardown.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Every temp dir of the run (lavfi media, data dirs, s3rver) goes under one directory that the
  // teardown removes: test files need not each clean up, and a run leaves nothing in /tmp. The test
  // workers and every process they start inherit TMPDIR, so os.tmpdir() points there.
  const runTmp = await mkdtemp(path.join(os.tmpdir(), 'ffapi-test-run-'));
  process.env.TMPDIR = runTmp;
  const removeRunTmp = () => rm(runTmp, { recursive: true, force: true });

  const givenUrl = process.env.DATABASE_URL?.trim();
  if (givenUrl) {
    await assertReachable(givenUrl);
    project.provide('adminDatabaseUrl', givenUrl);
    return removeRunTmp;
  }

  const dataDir = path.join(os.tmpdir(), `ffapi-test-pg-${process.pid}`);
  await rm(dataDir, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({ dataDir, log: (line) => console.error(line) });
  project.provide('adminDatabaseUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await removeRunTmp();
  };
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const where = new URL(url);
    where.password = where.password ? '***' : '';
    throw new Error(`DATABASE_URL (${where.href}) is not reachable: ${(err as Error).message}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
