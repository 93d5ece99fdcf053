// The embedded default a newcomer gets: a persistent cluster that survives restarts and a kill -9.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/platform/embedded-postgres.ts';

let parentDir: string;
let dataDir: string;
const running: EmbeddedPostgres[] = [];

async function start(): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ dataDir });
  running.push(server);
  return server;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

// What Postgres leaves behind when it dies without cleaning up: the pid on line 1, the data dir on line 2.
async function writePostmasterPid(pid: number): Promise<string> {
  const file = path.join(dataDir, 'cluster', 'postmaster.pid');
  await writeFile(file, `${pid}\n${path.join(dataDir, 'cluster')}\n1700000000\n5432\n\n127.0.0.1\n  5432001    32768\nready   \n`);
  return file;
}

beforeAll(async () => {
  // mkdtemp makes a 0700 directory: the unprivileged postgres user must still reach the cluster inside it.
  parentDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-embedded-pg-'));
  dataDir = path.join(parentDir, 'data', 'pg');
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  await rm(parentDir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('initialises a cluster, serves the app database on 127.0.0.1 and stops idempotently', async () => {
    const server = await start();
    const url = new URL(server.url);
    expect([url.hostname, url.pathname, url.username]).toEqual(['127.0.0.1', '/app', 'postgres']);
    expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await query(server.url, "create table kept (note text); insert into kept values ('still here')");
    await expect(start()).rejects.toThrow(/already running/);
    const joined = await openEmbeddedPostgres({ dataDir });
    expect(joined.url).toBe(server.url);
    await joined.stop();
    expect(await query(server.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
    await server.stop();
    await server.stop();
    await expect(query(server.url, 'select 1')).rejects.toThrow();
  });

  it('keeps the password file private', async () => {
    const password = await readFile(path.join(dataDir, 'password'), 'utf8');
    expect(new URL((await start()).url).password).toBe(password.trim());
    expect((await stat(path.join(dataDir, 'password'))).mode & 0o777).toBe(0o600);
    await running.pop()!.stop();
  });

  it('reuses the data on the next start', async () => {
    const server = await start();
    expect(await query(server.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
    await server.stop();
  });

  it('removes a stale postmaster.pid whose process is dead', async () => {
    const pid = await deadPid();
    const file = await writePostmasterPid(pid);
    const server = await start();
    expect((await readFile(file, 'utf8')).split('\n')[0]).not.toBe(String(pid));
    expect(await query(server.url, 'select count(*)::int as n from kept')).toEqual([{ n: 1 }]);
    await server.stop();
  });

  it('removes a stale postmaster.pid whose pid now belongs to another program', async () => {
    await writePostmasterPid(process.pid);
    const server = await start();
    expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await server.stop();
  });
});
