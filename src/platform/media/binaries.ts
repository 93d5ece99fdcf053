import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface MediaBinaries {
  ffmpeg: string;
  /** For reading media fields: fast to start. */
  ffprobe: string;
  /**
   * The ffprobe of FFmpeg's own build (beside it), else `ffprobe`: security checks must see a file
   * the way the FFmpeg that will open it does, and builds differ in how they sniff content.
   */
  ffprobeOfFfmpeg: string;
  /**
   * The ffprobe on PATH when the shipped static one was chosen for speed: that build crashes on some
   * inputs (any MPEG-TS file: SIGSEGV), which are then probed again with this one.
   */
  ffprobeFallback: string | null;
}

export interface MediaBinaryOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
}

type BinaryName = 'ffmpeg' | 'ffprobe';

const NPM_PACKAGE: Record<BinaryName, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

const ENV_HINT: Record<BinaryName, string> = {
  ffmpeg: 'FFMPEG_PATH',
  ffprobe: 'FFPROBE_PATH',
};

/**
 * Finds ffmpeg and ffprobe, each on its own: an explicit path (which must be an executable file),
 * else the first one on PATH, else the binary shipped in node_modules by the installer packages.
 * ffprobe is the exception: the shipped static build comes before PATH. Every stored file is probed
 * once, and a distribution's dynamically linked ffprobe spends 50-130 ms loading some 200 shared
 * libraries before it reads a byte, the static one 3 ms (BENCHMARKS.md, ingest-latency).
 */
export function resolveMediaBinaries(opts: MediaBinaryOptions): MediaBinaries {
  const ffmpeg = resolveBinary('ffmpeg', opts.ffmpegPath);
  const ffprobe = resolveBinary('ffprobe', opts.ffprobePath);
  const beside = path.join(path.dirname(ffmpeg), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
  const onPath = opts.ffprobePath ? null : findOnPath('ffprobe', process.env.PATH ?? '');
  return {
    ffmpeg,
    ffprobe,
    ffprobeOfFfmpeg: executableProblem(beside) === null ? beside : ffprobe,
    ffprobeFallback: onPath !== null && onPath !== ffprobe ? onPath : null,
  };
}

function resolveBinary(name: BinaryName, explicitPath: string | undefined): string {
  if (explicitPath !== undefined && explicitPath !== '') {
    const problem = executableProblem(explicitPath);
    if (problem) {
      throw new Error(`${ENV_HINT[name]}: ${name} at "${explicitPath}" ${problem}.`);
    }
    return path.resolve(explicitPath);
  }
  if (name === 'ffprobe') return shippedIfUsable(name) ?? findOnPath(name, process.env.PATH ?? '') ?? npmShippedBinary(name);
  return findOnPath(name, process.env.PATH ?? '') ?? npmShippedBinary(name);
}

function shippedIfUsable(name: BinaryName): string | null {
  try {
    return npmShippedBinary(name);
  } catch {
    return null;
  }
}

/** Returns why `file` cannot be run, or null when it is an executable regular file. */
function executableProblem(file: string): string | null {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return 'does not exist';
  }
  if (!isFile) return 'is not a file';
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'is not executable';
  }
  return null;
}

function findOnPath(name: BinaryName, searchPath: string): string | null {
  const fileName = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of searchPath.split(path.delimiter)) {
    // An empty PATH entry means "current directory" to a shell; running whatever binary happens
    // to sit in the working directory is not something a server should do.
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, fileName);
    if (executableProblem(candidate) === null) return candidate;
  }
  return null;
}

function npmShippedBinary(name: BinaryName): string {
  const pkg = NPM_PACKAGE[name];
  let shipped: string;
  try {
    // Loaded lazily: the installer packages throw at import time on an unsupported platform,
    // which must not matter when a system binary was found.
    const require = createRequire(import.meta.url);
    shipped = (require(pkg) as { path: string }).path;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `No ${name} found: set ${ENV_HINT[name]}, put ${name} on PATH, or install ${pkg} (${reason}).`,
    );
  }
  const problem = executableProblem(shipped);
  if (problem) throw new Error(`${name} shipped by ${pkg} at "${shipped}" ${problem}.`);
  return shipped;
}
