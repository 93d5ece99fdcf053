import type { FfprobeData, FfprobeStream } from 'fluent-ffmpeg';
import mime from 'mime-types';
import { containerMimeType, containerName } from './container.ts';

export type MediaFileType = 'video' | 'audio' | 'image' | 'other';

export interface MediaFields {
  duration: number | null;
  fileType: MediaFileType;
  fileFormat: string | null;
  codec: string | null;
  pixelFormat: string | null;
  mimeType: string | null;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  bitrateVideoKb: number | null;
  bitrateAudioKb: number | null;
  sampleRate: number | null;
  channels: number | null;
}

const OCTET_STREAM = 'application/octet-stream';

// Codecs that are pictures rather than moving video when they come alone (one frame, no audio).
const IMAGE_CODECS = new Set([
  'png', 'apng', 'mjpeg', 'jpegls', 'jpeg2000', 'jpegxl', 'webp', 'gif', 'bmp', 'tiff', 'qoi',
  'ppm', 'pgm', 'pbm', 'pam', 'psd', 'exr', 'hdr', 'targa', 'sgi', 'dpx', 'xbm', 'xwd', 'pcx',
]);

/**
 * Maps ffprobe output to the File media fields. `data` null means ffprobe could not read the file;
 * such a file (like one ffprobe only "reads" as text) gets null media fields and a type from its MIME.
 */
export function mediaFieldsFromProbe(
  data: FfprobeData | null,
  filename: string,
  contentType?: string,
): MediaFields {
  const fallbackMime = mimeFromName(filename) ?? normalizeContentType(contentType) ?? OCTET_STREAM;
  const format = data?.format ?? {};
  const formatName = typeof format.format_name === 'string' ? format.format_name : '';
  const streams = data?.streams ?? [];
  const video = streams.find(isPictureStream);
  const audio = streams.find(isAudioStream);
  // The tty demuxer turns any text file into an "ansi" video; that is not media.
  if (formatName === '' || formatName === 'tty' || (!video && !audio)) return notMedia(fallbackMime);

  const fileType: MediaFileType =
    video && !audio && isStillImage(formatName, video) ? 'image' : video ? 'video' : 'audio';
  const moving = fileType !== 'image';
  const audioOnly = fileType === 'audio';
  const fileFormat = containerName(formatName, filename, {
    majorBrand: format.tags?.major_brand,
    audioOnly,
    codecs: streams.map((s) => s.codec_name ?? ''),
    pictureCodec: video?.codec_name ?? null,
  });

  return {
    duration: moving ? (positive(format.duration) ?? longestStream(streams)) : null,
    fileType,
    fileFormat,
    codec: (video ?? audio)?.codec_name ?? null,
    pixelFormat: video?.pix_fmt ?? null,
    mimeType: containerMimeType(fileFormat, audioOnly) ?? fallbackMime,
    width: positive(video?.width),
    height: positive(video?.height),
    frameRate: video && moving ? frameRate(video) : null,
    bitrateVideoKb: video && moving ? videoBitrateKb(video, streams, format.bit_rate) : null,
    bitrateAudioKb: audio ? audioBitrateKb(audio, streams, fileType, format.bit_rate) : null,
    sampleRate: positive(audio?.sample_rate),
    channels: positive(audio?.channels),
  };
}

function notMedia(mimeType: string): MediaFields {
  const top = mimeType.split('/')[0];
  return {
    duration: null,
    fileType: top === 'video' || top === 'audio' || top === 'image' ? top : 'other',
    fileFormat: null,
    codec: null,
    pixelFormat: null,
    mimeType,
    width: null,
    height: null,
    frameRate: null,
    bitrateVideoKb: null,
    bitrateAudioKb: null,
    sampleRate: null,
    channels: null,
  };
}

/** A decodable picture track: cover art (attached_pic) and zero-sized false positives do not count. */
function isPictureStream(s: FfprobeStream): boolean {
  return (
    s.codec_type === 'video' &&
    num(s.disposition?.attached_pic) !== 1 &&
    positive(s.width) !== null &&
    positive(s.height) !== null
  );
}

function isAudioStream(s: FfprobeStream): boolean {
  return s.codec_type === 'audio' && (positive(s.sample_rate) !== null || positive(s.channels) !== null);
}

function isStillImage(formatName: string, video: FfprobeStream): boolean {
  if (!IMAGE_CODECS.has(video.codec_name ?? '')) return false;
  // image2 and the *_pipe demuxers read exactly one picture from a single file.
  if (formatName === 'image2' || formatName.endsWith('_pipe')) return true;
  const frames = num(video.nb_frames);
  return frames !== null && frames <= 1;
}

function frameRate(video: FfprobeStream): number | null {
  const fps = ratio(video.avg_frame_rate) ?? ratio(video.r_frame_rate);
  return fps === null ? null : Math.round(fps * 1000) / 1000;
}

// mkvmerge writes per-track statistics as tags (BPS) where the container has no bitrate field.
function streamBitrate(s: FfprobeStream): number | null {
  return positive(s.bit_rate) ?? positive(s.tags?.BPS) ?? positive(s.tags?.['BPS-eng']);
}

/** Stream bitrate, else the container's total minus the audio, when every audio bitrate is known. */
function videoBitrateKb(video: FfprobeStream, streams: FfprobeStream[], formatBitrate: unknown): number | null {
  const own = streamBitrate(video);
  if (own !== null) return own / 1000;
  const total = positive(formatBitrate);
  const audioRates = streams.filter(isAudioStream).map(streamBitrate);
  if (total === null || audioRates.some((r) => r === null)) return null;
  const rest = total - audioRates.reduce<number>((sum, r) => sum + (r ?? 0), 0);
  return rest > 0 ? rest / 1000 : null;
}

/** Stream bitrate, else (a file with one audio track and nothing else) the container's total. */
function audioBitrateKb(
  audio: FfprobeStream,
  streams: FfprobeStream[],
  fileType: MediaFileType,
  formatBitrate: unknown,
): number | null {
  const own = streamBitrate(audio);
  if (own !== null) return own / 1000;
  const onlyTrack = fileType === 'audio' && streams.filter(isAudioStream).length === 1;
  const total = onlyTrack ? positive(formatBitrate) : null;
  return total === null ? null : total / 1000;
}

function longestStream(streams: FfprobeStream[]): number | null {
  const durations = streams.map((s) => positive(s.duration)).filter((d): d is number => d !== null);
  return durations.length > 0 ? Math.max(...durations) : null;
}

function ratio(value: unknown): number | null {
  if (typeof value !== 'string') return positive(value);
  const [n, d] = value.split('/').map(Number);
  if (d === undefined) return positive(n);
  return n !== undefined && d > 0 ? positive(n / d) : null;
}

// ffprobe's JSON has numbers as strings ("2.000000", "N/A") in some fields and as numbers in others.
function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function positive(value: unknown): number | null {
  const n = num(value);
  return n !== null && n > 0 ? n : null;
}

function mimeFromName(filename: string): string | null {
  return mime.lookup(filename) || null;
}

function normalizeContentType(contentType: string | undefined): string | null {
  const bare = contentType?.split(';')[0]?.trim().toLowerCase();
  return bare && /^[\w.+-]+\/[\w.+-]+$/.test(bare) ? bare : null;
}
