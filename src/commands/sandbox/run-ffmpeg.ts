import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { ProgressStreamParser, type FfmpegProgress } from './progress.ts';
import { buildSpawnPlan } from './spawn-plan.ts';

export interface FfmpegRunOptions {
  ffmpegPath: string;
  /** User argv after the argument policy, with names relative to workDir. */
  args: string[];
  workDir: string;
  sandbox: 'bwrap' | 'none';
  timeoutMs: number;
  cpuSeconds?: number;
  maxOutputBytes?: number;
  maxMemoryBytes?: number;
  onProgress?: (p: FfmpegProgress) => void;
  signal?: AbortSignal;
}

export interface FfmpegRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Last ~4 KB of stderr, cut on a UTF-8 character boundary. */
  stderrTail: string;
  durationMs: number;
}

const FIXED_ARGS = ['-nostdin', '-hide_banner', '-nostats', '-progress', 'pipe:1'];
const STDERR_KEEP_BYTES = 8 * 1024;
const STDERR_TAIL_BYTES = 4 * 1024;
// After SIGKILL the pipes close at once; this only guards against a descendant that escaped the group.
const CLOSE_GRACE_MS = 5_000;

export async function runFfmpeg(opts: FfmpegRunOptions): Promise<FfmpegRunResult> {
  if (!path.isAbsolute(opts.workDir)) throw new Error(`workDir must be absolute: ${opts.workDir}`);
  const started = Date.now();
  if (opts.signal?.aborted) {
    return { exitCode: null, signal: null, timedOut: false, aborted: true, stderrTail: '', durationMs: 0 };
  }
  const plan = buildSpawnPlan({
    binary: opts.ffmpegPath,
    args: [...FIXED_ARGS, ...opts.args],
    workDir: opts.workDir,
    sandbox: opts.sandbox,
    limits: { cpuSeconds: opts.cpuSeconds, maxOutputBytes: opts.maxOutputBytes, maxMemoryBytes: opts.maxMemoryBytes },
  });
  const child = spawn(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so one kill(-pid) reaches prlimit/bwrap/FFmpeg and anything they started.
    detached: true,
  });

  const stderr = new ByteTail(STDERR_KEEP_BYTES);
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const progress = new ProgressStreamParser((p) => {
    try {
      opts.onProgress?.(p);
    } catch {
      // A failing listener must not take the run down with it.
    }
  });
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => progress.push(chunk));

  let timedOut = false;
  let aborted = false;
  let killedAt: number | null = null;
  const killGroup = (): void => {
    killedAt ??= Date.now();
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const timer = setTimeout(() => {
    if (exited()) return;
    timedOut = true;
    killGroup();
  }, Math.max(0, opts.timeoutMs));
  const onAbort = (): void => {
    if (exited()) return;
    aborted = true;
    killGroup();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const { code, signal, spawnError } = await waitForClose(child, () => killedAt);
    if (spawnError) stderr.push(Buffer.from(`\nfailed to start ${plan.file}: ${spawnError.message}\n`));
    const mapped = opts.sandbox === 'bwrap' ? unwrapBwrapSignal(code, signal) : { code, signal };
    return {
      exitCode: mapped.code,
      signal: mapped.signal,
      timedOut,
      aborted,
      stderrTail: stderr.tail(STDERR_TAIL_BYTES),
      durationMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    // Nothing from this run may outlive it. A surviving group member keeps the group id reserved
    // by the kernel, so this reaches leftovers rather than some unrelated new group.
    killGroup();
  }
}

interface CloseInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

function waitForClose(child: ReturnType<typeof spawn>, killedAt: () => number | null): Promise<CloseInfo> {
  return new Promise((resolve) => {
    let spawnError: Error | undefined;
    let exit: CloseInfo | null = null;
    let guard: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (info: CloseInfo): void => {
      if (finished) return;
      finished = true;
      clearInterval(guard);
      resolve({ ...info, spawnError });
    };
    child.once('error', (err) => {
      spawnError = err;
      if (child.pid === undefined) finish({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
    });
    child.once('close', (code, signal) => finish({ code, signal }));
    guard = setInterval(() => {
      const since = killedAt();
      if (exit && since !== null && Date.now() - since > CLOSE_GRACE_MS) {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(exit);
      }
    }, 250);
  });
}

// bwrap reports a child killed by signal N as exit status 128+N; FFmpeg itself exits 0, 1 or 255.
function unwrapBwrapSignal(code: number | null, signal: NodeJS.Signals | null): { code: number | null; signal: NodeJS.Signals | null } {
  if (code === null || code <= 128 || code >= 128 + 64) return { code, signal };
  const name = (Object.keys(osConstants.signals) as NodeJS.Signals[]).find((s) => osConstants.signals[s] === code - 128);
  return name ? { code: null, signal: name } : { code, signal };
}

/** Keeps only the most recent bytes of a stream. */
export class ByteTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.keep) {
      this.size -= this.chunks.shift()!.length;
    }
    if (this.size > this.keep * 2) {
      const joined = Buffer.concat(this.chunks).subarray(-this.keep);
      this.chunks = [Buffer.from(joined)];
      this.size = joined.length;
    }
  }

  tail(bytes: number): string {
    let buf = Buffer.concat(this.chunks);
    if (buf.length > bytes) {
      buf = buf.subarray(buf.length - bytes);
      let skip = 0;
      // Drop continuation bytes of a character whose start was cut off.
      while (skip < 4 && skip < buf.length && (buf[skip]! & 0xc0) === 0x80) skip++;
      buf = buf.subarray(skip);
    }
    return buf.toString('utf8');
  }
}
