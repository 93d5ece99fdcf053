import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runNpmStart, runScript, type ServiceProcess } from './support/service-process.ts';
import { adminDatabaseUrl } from './support/database.ts';
import { makeMedia } from './support/media.ts';
import { until } from './support/wait.ts';

// `npm start` on a machine with nothing set up: no DATABASE_URL, so an embedded Postgres under DATA_DIR.
let dataDir: string;
let port: number;
let service: ServiceProcess | undefined;
const base = () => `http://127.0.0.1:${port}`;
const env = () => ({ DATABASE_URL: undefined, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', S3_BUCKET: undefined });

const postmasterPid = () => path.join(dataDir, 'pg', 'cluster', 'postmaster.pid');

/**
 * SIGTERM to npm, as a supervisor would send. npm exits at once; the server then closes its port
 * first and stops its embedded Postgres last, so both are awaited: the port must close and the
 * postmaster's pid file must go within 30 s.
 */
async function stopService(): Promise<void> {
  service!.child.kill('SIGTERM');
  await service!.exited;
  await until('the server to stop answering after SIGTERM', () => fetch(`${base()}/healthz`).then(() => false, () => true), 30_000, 200);
  await until('the embedded Postgres to stop (its postmaster.pid to go)', () => access(postmasterPid()).then(() => false, () => true), 30_000, 200);
}

async function waitForHealth(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service!.child.exitCode !== null) throw new Error(`service exited:\n${service!.output()}`);
    const ok = await fetch(`${base()}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`service not healthy after ${timeoutMs} ms:\n${service!.output()}`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-start-'));
  port = await freePort();
});
afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with nothing configured (the README command)', () => {
  let key: string;

  it('starts embedded Postgres and local storage, and prints an API key once', async () => {
    service = runNpmStart(env());
    key = (await service.waitFor(/(ffsk_[0-9a-f]{64})/, 90_000))[1]!;
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base()}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', storage: 'ok' });
    const files = await fetch(`${base()}/api/v1/files`, { headers: { 'X-API-KEY': key } });
    expect(files.status).toBe(200);
    expect(await files.json()).toEqual({ files: [], limit: 50, offset: 0, total: 0 });
    expect((await fetch(`${base()}/api/v1/files`)).status).toBe(401);
    expect((await fetch(`${base()}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${base()}/docs`)).headers.get('content-type')).toMatch(/text\/html/);
  });

  it('the apikey CLI creates, lists and revokes keys against the running server', async () => {
    const create = runScript('src/accounts/cli.ts', ['create', '--account', 'carol'], env());
    expect(await create.exited).toBe(0);
    const carolKey = create.output().trim().split('\n').at(-1)!;
    expect(carolKey).toMatch(/^ffsk_[0-9a-f]{64}$/);
    expect((await fetch(`${base()}/api/v1/files`, { headers: { 'X-API-KEY': carolKey } })).status).toBe(200);

    const list = runScript('src/accounts/cli.ts', ['list'], env());
    expect(await list.exited).toBe(0);
    const prefix = carolKey.slice(0, 13);
    expect(list.output()).toMatch(new RegExp(`${prefix}\\s+carol\\s+created .*active`));
    expect(list.output()).not.toContain(carolKey);

    const revoke = runScript('src/accounts/cli.ts', ['revoke', prefix], env());
    expect(await revoke.exited).toBe(0);
    // The server caches verified keys for a few seconds; revocation must land within that window.
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (Date.now() < deadline && status !== 401) {
      status = (await fetch(`${base()}/api/v1/files`, { headers: { 'X-API-KEY': carolKey } })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(401);
    const usage = runScript('src/accounts/cli.ts', ['create'], env());
    expect(await usage.exited).toBe(2);
    const limit = runScript('src/accounts/cli.ts', ['rate-limit', '--account', 'carol', '--per-minute', '120'], env());
    expect(await limit.exited).toBe(0);
    expect(limit.output()).toContain('carol: 120 requests per minute per key');
    const noAccount = runScript('src/accounts/cli.ts', ['rate-limit', '--account', 'nobody', '--per-minute', '5'], env());
    expect(await noAccount.exited).toBe(1);
    // Past the column's integer: a usage error, not a database error.
    const tooHigh = runScript('src/accounts/cli.ts', ['rate-limit', '--account', 'carol', '--per-minute', '2147483648'], env());
    expect(await tooHigh.exited).toBe(2);
    expect(tooHigh.output()).toContain('an integer from 1 to 10000000');
  });

  it('stops cleanly on SIGTERM and a second start reuses the data without printing a new key', async () => {
    await stopService();
    service = runNpmStart(env());
    await waitForHealth();
    expect(service.output()).not.toMatch(/ffsk_[0-9a-f]{64}/);
    expect((await fetch(`${base()}/api/v1/files`, { headers: { 'X-API-KEY': key } })).status).toBe(200);
    // stopService fails unless the embedded Postgres stops with the server (its pid file goes).
    await stopService();
    await expect(readFile(postmasterPid())).rejects.toThrow(/ENOENT/);
  }, 180_000); // two stops of up to 60 s each and a start: their own messages say which one hung

  it('reports every bad configuration value at once', async () => {
    const bad = runScript('src/main.ts', [], { ...env(), PORT: 'eighty', BOOTSTRAP_API_KEY: 'nope', S3_FORCE_PATH_STYLE: 'maybe' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/PORT/);
    expect(bad.output()).toMatch(/BOOTSTRAP_API_KEY/);
    expect(bad.output()).toMatch(/S3_FORCE_PATH_STYLE/);
  });

  it('a start-up failure outside the configuration is one clear line, without a stack', async () => {
    const url = new URL(adminDatabaseUrl());
    url.pathname = '/ffapi_no_such_database';
    const missing = runScript('src/main.ts', [], { ...env(), DATABASE_URL: url.href });
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('Start-up failed: database "ffapi_no_such_database" does not exist');
    expect(missing.output()).not.toMatch(/^\s+at /m);
  });
});

describe('signals with the embedded Postgres', () => {
  const KEY = `ffsk_${'5a'.repeat(32)}`;
  const fresh = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-signal-'));
    dirs.push(dir);
    return { dir, port: await freePort() };
  };
  const dirs: string[] = [];
  const spawned: ServiceProcess[] = [];
  const start = (dir: string, port: number, extra: Record<string, string> = {}, opts: { detached?: boolean } = {}) => {
    const started = runScript('src/main.ts', [], {
      DATABASE_URL: undefined, S3_BUCKET: undefined, DATA_DIR: dir, PORT: String(port), BOOTSTRAP_API_KEY: KEY, ...extra,
    }, opts);
    spawned.push(started);
    return started;
  };
  const pidFile = (dir: string) => path.join(dir, 'pg', 'cluster', 'postmaster.pid');
  afterAll(async () => {
    for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('SIGTERM during start-up undoes it: the embedded Postgres is stopped and the process exits 0', async () => {
    const { dir, port } = await fresh();
    const starting = start(dir, port, { LOG_LEVEL: 'info' });
    await starting.waitFor(/embedded PostgreSQL started/, 120_000);
    starting.child.kill('SIGTERM');
    expect(await starting.exited, starting.output()).toBe(0);
    await until('the embedded Postgres to stop', () => access(pidFile(dir)).then(() => false, () => true), 30_000, 200);
  }, 180_000);

  it('Ctrl-C (SIGINT to the whole process group) drains first: Postgres is not stopped under a running command', async () => {
    const { dir, port } = await fresh();
    const url = `http://127.0.0.1:${port}`;
    const service = start(dir, port, { LOG_LEVEL: 'warn', SHUTDOWN_GRACE_SECONDS: '30' }, { detached: true });
    await until('the service to answer', () => fetch(`${url}/healthz`).then((r) => r.ok, () => false), 120_000, 200);
    const media = await makeMedia();
    const form = new FormData();
    form.append('file', new Blob([await readFile(media.mp4)]), 'clip.mp4');
    const headers = { 'X-API-KEY': KEY };
    const clip = (await (await fetch(`${url}/api/v1/files/upload`, { method: 'POST', headers, body: form })).json()) as { file_id: string };
    await until('the clip to be stored', async () => ((await (await fetch(`${url}/api/v1/files/${clip.file_id}`, { headers })).json()) as any).status === 'STORED');
    const submitted = await fetch(`${url}/api/v1/run-ffmpeg-command`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        input_files: { in_video: clip.file_id },
        output_files: { out_video: 'out.mp4' },
        ffmpeg_command: '-stream_loop 1 -re -i {{in_video}} -c:v libx264 -preset ultrafast -an {{out_video}}', // about 4 s
      }),
    });
    const { command_id: id } = (await submitted.json()) as { command_id: string };
    const status = async (at: string) => ((await (await fetch(`${at}/api/v1/commands/${id}`, { headers })).json()) as any).status;
    await until('the command to run', async () => (await status(url)) === 'PROCESSING');

    process.kill(-service.child.pid!, 'SIGINT');
    expect(await service.exited, service.output()).toBe(0);
    expect(service.output()).not.toMatch(/terminating connection due to administrator command/);
    // Read back by an API-only process (which runs no jobs): the command ended within the grace.
    const reader = start(dir, port, { LOG_LEVEL: 'warn', ROLE: 'api' });
    await until('the reader to answer', () => fetch(`${url}/healthz`).then((r) => r.ok, () => false), 120_000, 200);
    const ended = (await (await fetch(`${url}/api/v1/commands/${id}`, { headers })).json()) as any;
    expect(ended.status, JSON.stringify(ended) + service.output()).toBe("SUCCESS");
    reader.child.kill('SIGTERM');
    expect(await reader.exited).toBe(0);
  }, 240_000);
});
