// Runs the real service (as `npm start` does) as its own process, so the memory we sample is the server's
// alone: not the bench client's, and not s3rver's, which runs inside the bench process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/platform/free-port.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  pid: number;
  url: string;
  apiKey: string;
  dataDir: string;
  /** SIGTERM, then SIGKILL if it has not exited; removes DATA_DIR. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl: string | undefined;
  env?: Record<string, string>;
  /** Extra node flags for the server, e.g. `--heap-prof` when investigating memory; they override the start script's. */
  nodeFlags?: string[];
  /** Shared by several processes (API and workers on local storage); then not removed on stop. */
  dataDir?: string;
  apiKey?: string;
  /** Worker processes serve no HTTP: wait for the log line instead of /readyz. */
  role?: 'all' | 'api' | 'worker';
  /** After /readyz, also wait for a line of the server's output (say, every HTTP process listening). */
  waitForOutput?: RegExp;
}

export async function startServer(opts: ServerOptions): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-data-')));
  const port = await freePort();
  const apiKey = opts.apiKey ?? `ffsk_${randomBytes(32).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited S3_* or DATABASE_URL would silently change what is measured; the bench process's own
  // NODE_TLS_REJECT_UNAUTHORIZED (upload-rss over HTTPS) must not switch off the service's TLS checks.
  const dropped = (name: string) => name.startsWith('S3_') || name === 'DATABASE_URL' || name === 'NODE_TLS_REJECT_UNAUTHORIZED';
  for (const name of Object.keys(env)) if (dropped(name)) delete env[name];
  Object.assign(env, {
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    BOOTSTRAP_API_KEY: apiKey,
    MAX_FILE_BYTES: String(8 * 1024 ** 3),
    LOG_LEVEL: 'warn',
    ROLE: opts.role ?? 'all',
    ...opts.env,
  });
  // Exactly what `npm start` runs, but node itself (no npm wrapper) so that child.pid is the server's pid.
  const start = await npmStartCommand();
  // Extra flags go after the start script's own node flags, so that they can override one of them.
  const script = start.args.findIndex((arg) => !arg.startsWith('-'));
  if (script < 0) throw new Error(`no script in the start command: ${start.args.join(' ')}`);
  const args = [...start.args.slice(0, script), ...(opts.nodeFlags ?? []), ...start.args.slice(script)];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...env, ...start.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    if (opts.role === 'worker') await waitSettled(child, 3_000);
    else await waitReady(url, child);
    if (opts.waitForOutput) await waitForOutput(child, output, opts.waitForOutput);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${output.join('\n')}`, { cause: err });
  }
  return { pid: child.pid!, url, apiKey, dataDir, stop };
}

/** A JSON request to the server with its API key; a non-2xx answer throws with the body. */
export async function api<T>(server: ServerProcess, pathname: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.url}${pathname}`, { ...init, headers: { 'x-api-key': server.apiKey, ...init.headers } });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${pathname}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls /readyz every intervalMs until it answers 200; resolves with the time it did (Date.now()). */
export async function waitReady(url: string, child: ChildProcess, timeoutMs = 180_000, intervalMs = 200): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited (${child.exitCode ?? child.signalCode})`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) return Date.now();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms`);
}

async function waitForOutput(child: ChildProcess, output: string[], pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output.some((line) => pattern.test(line))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited (${child.exitCode ?? child.signalCode})`);
    if (Date.now() > deadline) throw new Error(`no output line matched ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A worker has no HTTP port: give it a moment to start its queue, failing early if it exits. */
async function waitSettled(child: ChildProcess, settleMs: number): Promise<void> {
  const deadline = Date.now() + settleMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker exited (${child.exitCode ?? child.signalCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}


/** package.json's start script (`[VAR=value ...] node <flags> scripts/start.mjs`) taken apart. */
export async function npmStartCommand(): Promise<{ env: Record<string, string>; args: string[] }> {
  const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0]?.includes('=')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (words.shift() !== 'node') throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return { env, args: words };
}
