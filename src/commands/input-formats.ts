import { ProgramError, runProgram } from '../platform/run-program.ts';
import { readArguments } from './argument-policy.ts';
import { CommandFailure } from './command-failure.ts';
import { exactPlaceholderKey, findPlaceholders } from './placeholders.ts';

// Demuxers that open other files or URLs named inside the input (playlists, manifests), or that
// read devices and the network. Uploaded bytes are sniffed by content, so a ".txt" can be a
// playlist: the argument policy cannot see that, the whitelist can (and the sandbox backs it up).
const REFUSED = new Set([
  'hls', 'dash', 'imf', 'webm_dash_manifest', 'rtsp', 'rtp', 'sdp', 'sap', 'alsa', 'fbdev', 'jack', 'kmsgrab',
  'openal', 'oss', 'pulse', 'video4linux2', 'v4l2', 'x11grab', 'libcdio', 'libdc1394', 'iec61883', 'avfoundation',
  'dshow', 'gdigrab', 'vfwcap', 'decklink', 'android_camera', 'lavfi_device', 'avisynth', 'vapoursynth',
]);

const cache = new Map<string, Promise<string>>();

/** Every demuxer this FFmpeg has, minus the refused ones, as a -format_whitelist value. */
export function allowedInputFormats(ffmpegPath: string): Promise<string> {
  let formats = cache.get(ffmpegPath);
  if (!formats) {
    formats = runProgram(ffmpegPath, ['-hide_banner', '-demuxers'], { maxBytes: 4 * 1024 * 1024 }).then(({ stdout }) =>
      parseDemuxers(stdout).filter((name) => !REFUSED.has(name)).join(','),
    );
    // Only an answer is kept: a failed run (a spawn refused under load) must not fail every later command.
    formats.catch(() => cache.delete(ffmpegPath));
    cache.set(ffmpegPath, formats);
  }
  return formats;
}

/** Demuxer names from `ffmpeg -demuxers` ("matroska,webm" counts as both names). */
export function parseDemuxers(listing: string): string[] {
  const names = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /^\s*D[\sE]*\s+(\S+)\s/.exec(line);
    if (!match) continue;
    for (const name of match[1]!.split(',')) if (name && name !== '=') names.add(name);
  }
  return [...names];
}

/**
 * Keys of the placeholders FFmpeg may open some other way than as the value of `-i` (a filter's file
 * option, `-f lavfi -i movie=…`): only those need the ffprobe check before FFmpeg runs, since every
 * `-i` carries -format_whitelist and FFmpeg itself refuses a playlist there. A placeholder that is a
 * whole output argument is opened by a muxer to write (the one muxer that reads its output first,
 * hls with append_list, is refused by the argument policy), so an output a later step reads through
 * `-i` needs no check either.
 */
export function keysOpenedBesideInputs(steps: string[][]): Set<string> {
  const keys = new Set<string>();
  for (const args of steps) {
    // Positions where a whole placeholder needs no check: -i values (whitelisted) and outputs (written).
    const needsNoCheck = new Set<number>();
    for (const { index, option, valueIndex } of readArguments(args)) {
      if (option === undefined) needsNoCheck.add(index);
      else if (option === 'i' && args[index] === '-i' && valueIndex !== undefined) needsNoCheck.add(valueIndex);
    }
    args.forEach((arg, index) => {
      if (needsNoCheck.has(index) && exactPlaceholderKey(arg) !== undefined) return;
      for (const key of findPlaceholders(arg)) keys.add(key);
    });
  }
  return keys;
}

/**
 * A FAILED command's reason when FFmpeg refused an `-i` input by -format_whitelist, or undefined for
 * any other failure. FFmpeg names the refused file after the refusal: `in_a.m3u8: Invalid argument`
 * (5.x), `Error opening input file in_a.m3u8.` (6 and later).
 */
export function formatRefusal(stderr: string, names: Record<string, string>): CommandFailure | undefined {
  // `[hls @ 0x…] Format not on whitelist '…'`, at the start of a line: not a protocol refusal, nor
  // metadata of the input that FFmpeg prints indented.
  const refusal = /^\[[^\]\n]*\] Format not on whitelist '/m.exec(stderr);
  if (!refusal) return undefined;
  const after = stderr.slice(refusal.index);
  const named = (name: string) => new RegExp(`(^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(: |\\.?$)`, 'm').test(after);
  return notAllowed(Object.keys(names).find((key) => named(names[key]!)) ?? 'An input');
}

const notAllowed = (key: string) =>
  new CommandFailure('INPUT_FORMAT_NOT_ALLOWED', `${key} is a playlist, manifest or device format, which cannot be an input here.`);

/**
 * Refuses an input FFmpeg would open as a refused format (an HLS playlist, a DASH manifest, ...).
 * -format_whitelist covers `-i`, but filters such as movie= open their file themselves.
 */
export async function assertAllowedFormat(ffprobePath: string, file: string, key: string, formats: string): Promise<void> {
  // Nor a concat list: through -i concat hands the whitelist to each entry, but a filter opens it
  // with none, and a probe reads only as far as the first entries (a playlist may come later).
  const single = formats.split(',').filter((name) => name !== 'concat').join(',');
  const args = ['-v', 'error', '-protocol_whitelist', 'file', '-format_whitelist', single, '-show_entries', 'format=format_name', '-of', 'json', `file:${file}`];
  const stderr = await runProgram(ffprobePath, args, { timeoutMs: 30_000 }).then(
    ({ stderr: text }) => text,
    (err: unknown) => (err instanceof ProgramError ? err.stderr : ''),
  );
  if (/not on whitelist/i.test(stderr)) throw notAllowed(key);
}

/** Puts `-format_whitelist <formats>` in front of every input of an FFmpeg argv. */
export function withFormatWhitelist(args: string[], formats: string): string[] {
  return args.flatMap((arg) => (arg === '-i' ? ['-format_whitelist', formats, arg] : [arg]));
}
