import { spawn } from 'node:child_process';

export interface ProgramOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; the run then fails. */
  timeoutMs?: number;
  /** Output kept per stream; past it the program is killed and the run fails. */
  maxBytes?: number;
}

export class ProgramError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
  }
}

/**
 * execFile for the short programs the service asks something of (ffmpeg -demuxers, a sandbox trial),
 * but in a process group of its own, as FFmpeg and ffprobe run: a Ctrl-C in a terminal signals the
 * whole foreground group, and a helper killed by it would fail the job that was waiting for its answer
 * (execFile does not pass `detached` on to spawn).
 */
export function runProgram(file: string, args: string[], opts: ProgramOptions = {}): Promise<{ stdout: string; stderr: string }> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], bytes: 0 };
    let failure: string | undefined;
    const kill = (why: string) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = opts.timeoutMs ? setTimeout(() => kill(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs) : undefined;
    for (const name of ['stdout', 'stderr'] as const) {
      child[name].on('data', (chunk: Buffer) => {
        out.bytes += chunk.length;
        if (out.bytes > maxBytes) kill(`wrote more than ${maxBytes} bytes`);
        else out[name].push(chunk);
      });
    }
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out.stdout).toString('utf8');
      const stderr = Buffer.concat(out.stderr).toString('utf8');
      if (!failure && code === 0) return resolve({ stdout, stderr });
      const why = failure ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new ProgramError(`${[file, ...args].join(' ')} failed: ${why}`, stderr));
    });
  });
}
