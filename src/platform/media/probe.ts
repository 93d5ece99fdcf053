import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { FfprobeData } from 'fluent-ffmpeg';
import { mediaFieldsFromProbe, type MediaFields } from './media-fields.ts';

export { mediaFieldsFromProbe, type MediaFields, type MediaFileType } from './media-fields.ts';

export interface ProbeOptions {
  ffprobePath: string;
  /** The user-facing file name; its extension decides the MIME type when the container does not. */
  filename: string;
  /** The Content-Type the bytes arrived with (upload or import), used when the name has no known extension. */
  contentType?: string;
  timeoutMs?: number;
  /** Runs when ffprobe crashes (a signal, not an answer): another build may read the bytes. */
  fallbackFfprobePath?: string | null;
}

export class MediaProbeTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`ffprobe did not finish within ${timeoutMs} ms and was killed.`);
    this.name = 'MediaProbeTimeoutError';
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const STDERR_TAIL_CHARS = 2_000;

// ffprobe failures that say nothing about the bytes: the caller should retry or fail the file,
// not store it as "not media". Every other failure means ffprobe could not make sense of the bytes.
// Only ffprobe's last line ("<input>: <reason>") counts: earlier lines may be about nested resources
// (an HLS playlist's refused segment), which make the file unreadable media, not an I/O failure.
const IO_FAILURE =
  /No such file or directory|Permission denied|Input\/output error|Server returned|Connection refused|Connection reset|timed out|Network is unreachable|Failed to resolve hostname|Name or service not known|Temporary failure in name resolution|Cannot allocate memory/i;

const SINGLE_FILE_FORMATS = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'flv', 'mpegts', 'mpeg', 'mpegvideo',
  'mxf', 'nut', 'asf', 'wtv', 'rm', 'dv', 'ogg', 'mp3', 'aac', 'loas', 'ac3', 'eac3', 'dts', 'truehd', 'mlp',
  'flac', 'wav', 'w64', 'aiff', 'amr', 'caf', 'au', 'wv', 'ape', 'tta', 'gsm', 'm4v', 'h264', 'hevc', 'vc1',
  'ivf', 'obu', 'av1', 'mjpeg', 'yuv4mpegpipe', 'gif', 'apng', 'image2', 'png_pipe', 'jpeg_pipe', 'webp_pipe',
  'bmp_pipe', 'tiff_pipe', 'gif_pipe', 'psd_pipe', 'qoi_pipe', 'j2k_pipe', 'jpegxl_pipe', 'srt', 'ass', 'webvtt',
].join(',');

/**
 * Reads the media fields of a local file or an http(s) URL (a presigned object-store URL works:
 * ffprobe seeks with Range requests instead of downloading the object). Bytes ffprobe cannot
 * interpret are not an error; unreadable input (missing file, HTTP error) and timeouts are.
 */
export async function probeMedia(input: string, opts: ProbeOptions): Promise<MediaFields> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let data = await runFfprobe(input, opts.ffprobePath, timeoutMs);
  if (data === CRASHED) data = opts.fallbackFfprobePath ? await runFfprobe(input, opts.fallbackFfprobePath, timeoutMs) : null;
  // A crash of every ffprobe there is: the bytes are not something it can read.
  return mediaFieldsFromProbe(data === CRASHED ? null : data, opts.filename, opts.contentType);
}

const CRASHED = Symbol('ffprobe crashed');

/*
 * ffprobe is spawned here rather than through fluent-ffmpeg's ffprobe(): that one takes the binary
 * path from a module-wide cache (setFfprobePath on an instance writes it too), hides the child so a
 * timeout cannot kill it, and parses ffprobe's flat text output, in which a tag value containing a
 * newline (say a title "x\nwidth=9999") overwrites real fields. JSON output has none of these.
 */
async function runFfprobe(input: string, ffprobePath: string, timeoutMs: number): Promise<FfprobeData | null | typeof CRASHED> {
  const remote = /^https?:\/\//i.test(input);
  // A missing or unreadable local file is an error of its own, not "ffprobe could not read it".
  if (!remote) await access(input, constants.R_OK);
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  // Confine ffprobe to the input's own protocol: a playlist-like upload (HLS, ...) must not make
  // the worker fetch URLs, and a remote one must not read local files.
  args.push('-protocol_whitelist', remote ? 'http,https,tcp,tls' : 'file');
  // And to single-file containers: a playlist or list format (hls, dash, concat, ...) would make it
  // open the URLs or paths written inside the file, which the protocol list alone does not stop.
  args.push('-format_whitelist', SINGLE_FILE_FORMATS);
  // "file:" keeps a local name with a colon in it from being read as a protocol.
  args.push('-i', remote ? input : `file:${path.resolve(input)}`);

  return new Promise<FfprobeData | null | typeof CRASHED>((resolve, reject) => {
    // detached, like every program the service runs: a Ctrl-C to the service's process group must
    // not kill it mid-job (the service stops it, or lets it finish, itself).
    const child = spawn(ffprobePath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: Error | null = null;
    const stop = (err: Error) => {
      failure ??= err;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new MediaProbeTimeoutError(timeoutMs)), timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_JSON_BYTES) stop(new Error(`ffprobe output exceeded ${MAX_JSON_BYTES} bytes.`));
      else stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Could not run ffprobe at "${ffprobePath}": ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code === null && signal !== null) return resolve(CRASHED);
      const message = redact(stderr.trim(), input);
      if (code !== 0) {
        if (IO_FAILURE.test(message.split('\n').pop() ?? '')) {
          return reject(new Error(`ffprobe could not read ${redact(input, input)}: ${message}`));
        }
        return resolve(null);
      }
      try {
        resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')) as FfprobeData);
      } catch {
        reject(new Error(`ffprobe printed output that is not JSON for ${redact(input, input)}.`));
      }
    });
  });
}

/** Presigned URLs carry credentials in the query string; keep them out of logs and error messages. */
function redact(text: string, input: string): string {
  if (!/^https?:\/\//i.test(input)) return text;
  const url = new URL(input);
  return url.search === '' ? text : text.split(input).join(`${url.origin}${url.pathname}?…`);
}
