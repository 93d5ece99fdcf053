// For bench/startup: spawns the service exactly as `npm start` runs it, like startServer in
// server-process.ts, but keeps every log line (pino's `time`, epoch ms) and polls /readyz every 50 ms,
// so that the start-up can be timed and split into phases. Also reads the memory of the server's
// process tree (its embedded Postgres) from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from '../../src/platform/free-port.ts';
import { npmStartCommand, REPO_ROOT, waitReady } from './server-process.ts';

export interface LogLine {
  time: number;
  msg: string;
}

export interface StartedService {
  pid: number;
  url: string;
  /** Date.now() just before the spawn and when /readyz first answered 200. */
  spawnedAt: number;
  readyAt: number;
  logs: LogLine[];
  /** SIGTERM and wait for a clean exit (the embedded Postgres stops first); SIGKILL after 60 s. */
  stop(): Promise<void>;
}

export async function launchService(opts: { databaseUrl: string | undefined; dataDir: string; apiKey: string }): Promise<StartedService> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('S3_') || name === 'DATABASE_URL') delete env[name];
  const start = await npmStartCommand();
  Object.assign(env, {
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    DATA_DIR: opts.dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    BOOTSTRAP_API_KEY: opts.apiKey,
    LOG_LEVEL: 'info', // the phase log lines ("embedded PostgreSQL started", ...) are at info
    ROLE: 'all',
    ...start.env,
  });
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, start.args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { time?: number; msg?: string };
        if (typeof entry.time === 'number') logs.push({ time: entry.time, msg: String(entry.msg) });
      } catch {
        // not a pino line (e.g. a stack trace): only kept for the error report
      }
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopTree(child);
  try {
    const readyAt = await waitReady(url, child, 180_000, 50); // fine-grained: start-up time is what is measured
    return { pid: child.pid!, url, spawnedAt, readyAt, logs, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${output.slice(-40).join('\n')}`, { cause: err });
  }
}

// A SIGKILLed server leaves its Postgres behind (its exit hook does not run): those pids, noted before
// the stop, are killed too, so that a failed run cannot leave a postmaster holding a temp dir.
async function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const postgres = postgresProcesses(child.pid!);
  let forced = false;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => (forced = child.kill('SIGKILL')), 60_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
  if (!forced) return;
  for (const pid of postgres) if (commOf(pid) === 'postgres') tryKill(pid);
}

/** The embedded postmaster and its backends: the `postgres` processes below pid. */
export function postgresProcesses(pid: number): number[] {
  return descendants(pid).filter((p) => commOf(p) === 'postgres');
}

/** All processes below pid, from the ppid field of /proc/<pid>/stat. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readText(`/proc/${entry}/stat`);
    if (!stat) continue; // exited meanwhile
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

export interface TreeMemory {
  processes: number;
  /** Sum of VmRSS: counts shared buffers once per process that touched them. */
  rssBytes: number;
  /** Sum of Pss (smaps_rollup): shared pages split between the processes sharing them. */
  pssBytes: number;
}

export function treeMemory(pids: number[]): TreeMemory {
  const sum: TreeMemory = { processes: 0, rssBytes: 0, pssBytes: 0 };
  for (const pid of pids) {
    const rss = kib(readText(`/proc/${pid}/status`), 'VmRSS');
    const pss = kib(readText(`/proc/${pid}/smaps_rollup`), 'Pss');
    if (rss === undefined || pss === undefined) continue; // a backend that ended meanwhile
    sum.processes++;
    sum.rssBytes += rss;
    sum.pssBytes += pss;
  }
  return sum;
}

function kib(text: string | undefined, field: string): number | undefined {
  const match = text && new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function commOf(pid: number): string | undefined {
  return readText(`/proc/${pid}/comm`)?.trim();
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
