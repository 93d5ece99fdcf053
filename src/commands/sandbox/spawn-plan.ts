import { accessSync, constants, existsSync, lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface ResourceLimits {
  cpuSeconds?: number;
  maxOutputBytes?: number;
  maxMemoryBytes?: number;
}

export interface SandboxedCommand {
  binary: string; // absolute path on the host
  args: string[];
  workDir: string; // absolute host dir: the only writable path and the cwd
  sandbox: 'bwrap' | 'none';
  limits?: ResourceLimits;
  bwrapPath?: string;
}

export interface SpawnPlan {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** Where the work dir appears inside the bwrap sandbox. */
export const SANDBOX_WORK_DIR = '/job';
const SANDBOX_TMP_BYTES = 64 * 1024 * 1024;
const CLEAN_PATH = '/usr/bin:/bin';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The exact argv and environment used to start a command; pure apart from reading the host's layout. */
export function buildSpawnPlan(command: SandboxedCommand): SpawnPlan {
  const limits = prlimitArgs(command.limits ?? {});
  if (command.sandbox === 'none') {
    return {
      file: findSystemTool('prlimit'),
      args: [...limits, '--', ...dieWithParent(), command.binary, ...command.args],
      cwd: command.workDir,
      env: { PATH: CLEAN_PATH, HOME: command.workDir },
    };
  }
  const binary = realpathSync(command.binary);
  return {
    file: findSystemTool('prlimit'),
    args: [
      ...limits,
      '--',
      command.bwrapPath ?? findSystemTool('bwrap'),
      ...bwrapArgs(command.workDir, binary),
      binary,
      ...command.args,
    ],
    cwd: command.workDir,
    // Only prlimit and bwrap see this; bwrap --clearenv gives FFmpeg its own three variables.
    env: { PATH: SYSTEM_PATH },
  };
}

/**
 * Without bwrap's --die-with-parent: FFmpeg runs in a process group of its own, so a worker killed
 * outright (SIGKILL, the OOM killer) would leave it running, unwatched, while the job is retried
 * elsewhere. setpriv (util-linux) asks the kernel to kill it when its parent, the worker, dies;
 * prlimit and setpriv exec in place, so that parent is the worker. Skipped where setpriv is missing.
 */
function dieWithParent(): string[] {
  const setpriv = findSystemTool('setpriv');
  return path.isAbsolute(setpriv) ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
}

function prlimitArgs(limits: ResourceLimits): string[] {
  // --core=0: a SIGXFSZ or SIGXCPU kill would otherwise leave a core dump in the work dir.
  const args = ['--core=0'];
  if (limits.cpuSeconds !== undefined) args.push(`--cpu=${positiveInt(limits.cpuSeconds, 'cpuSeconds')}`);
  if (limits.maxOutputBytes !== undefined) args.push(`--fsize=${positiveInt(limits.maxOutputBytes, 'maxOutputBytes')}`);
  if (limits.maxMemoryBytes !== undefined) args.push(`--as=${positiveInt(limits.maxMemoryBytes, 'maxMemoryBytes')}`);
  return args;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return Math.ceil(value);
}

/** bwrap options: read-only system, empty /tmp, minimal /dev, no network, the work dir writable at /job. */
export function bwrapArgs(workDir: string, binary: string): string[] {
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    // bwrap started by root keeps every capability inside the sandbox unless told otherwise.
    '--cap-drop', 'ALL',
    '--clearenv',
    '--setenv', 'PATH', CLEAN_PATH,
    '--setenv', 'HOME', SANDBOX_WORK_DIR,
    '--setenv', 'XDG_CACHE_HOME', '/tmp',
    '--ro-bind', '/usr', '/usr',
  ];
  for (const dir of ['/bin', '/lib', '/lib64', '/sbin', '/lib32', '/libx32']) args.push(...systemDirMount(dir));
  // fonts for drawtext; the linker cache; Debian's alternatives symlinks (libblas.so.3 resolves
  // through /etc/alternatives). Nothing else from /etc: no passwd, hosts or resolv.conf.
  for (const entry of ['/etc/fonts', '/etc/ld.so.cache', '/etc/alternatives']) {
    if (existsSync(entry)) args.push('--ro-bind', entry, entry);
  }
  // /tmp is only scratch for font caches; capped because tmpfs pages are memory outside RLIMIT_AS.
  args.push('--proc', '/proc', '--dev', '/dev', '--size', String(SANDBOX_TMP_BYTES), '--tmpfs', '/tmp');
  args.push(...binaryMount(binary));
  args.push('--bind', workDir, SANDBOX_WORK_DIR, '--chdir', SANDBOX_WORK_DIR);
  // The root bwrap builds is a writable tmpfs; freeze it so /job and /tmp are the only writable places.
  args.push('--remount-ro', '/');
  return args;
}

function systemDirMount(dir: string): string[] {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return [];
  }
  if (stat.isSymbolicLink()) return ['--symlink', readLinkRelative(dir), dir];
  return stat.isDirectory() ? ['--ro-bind', dir, dir] : [];
}

function readLinkRelative(link: string): string {
  // Merged-/usr hosts link /bin -> usr/bin; keep the target as written so it resolves the same inside.
  return path.relative(path.dirname(link), realpathSync(link)) || '.';
}

function binaryMount(binary: string): string[] {
  if (binary.startsWith('/usr/')) return [];
  const dir = path.dirname(binary);
  // A binary in / would expose the whole host: bind just the file then.
  return dir === '/' ? ['--ro-bind', binary, binary] : ['--ro-bind', dir, dir];
}

const toolCache = new Map<string, string>();

/** Absolute path of a system tool, so the lookup does not depend on the (clean) child PATH. */
export function findSystemTool(name: string): string {
  const cached = toolCache.get(name);
  if (cached) return cached;
  for (const dir of SYSTEM_PATH.split(':')) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      toolCache.set(name, candidate);
      return candidate;
    } catch {
      // try the next directory
    }
  }
  return name;
}
