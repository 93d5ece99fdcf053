import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/**
 * Runs a repository script (src/main.ts, src/accounts/cli.ts) as its own Node process, like npm does;
 * `detached`: in a process group of its own, as a shell runs a foreground job (kill(-pid) is a Ctrl-C).
 */
export function runScript(script: string, args: string[], env: Record<string, string | undefined>, opts: { detached?: boolean } = {}): ServiceProcess {
  return runCommand(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], env, opts.detached);
}

/** Runs the README's start command exactly as a newcomer would. */
export function runNpmStart(env: Record<string, string | undefined>): ServiceProcess {
  return runCommand('npm', ['start', '--silent'], env);
}

function runCommand(command: string, args: string[], env: Record<string, string | undefined>, detached = false): ServiceProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const child = spawn(command, args, {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (!waiters.has(check)) return;
          cleanup();
          reject(new Error(`process exited while waiting for ${pattern}; output:\n${text}`));
        });
        check();
      });
    },
  };
}


export { freePort } from '../../src/platform/free-port.ts';
