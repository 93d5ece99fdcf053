import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FfprobeData } from 'fluent-ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMediaBinaries } from './binaries.ts';
import { mediaFieldsFromProbe, MediaProbeTimeoutError, probeMedia, type MediaFields } from './probe.ts';

const run = promisify(execFile);
const { ffmpeg, ffprobe, ffprobeFallback } = resolveMediaBinaries({});
let dir = '';
// Read at load time: skipIf decides while tests are collected, before beforeAll runs.
const encoders = execFileSync(ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8' });

const lavfiVideo = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'];
const lavfiTone = (rate: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${rate}`];
const has = (encoder: string) => new RegExp(`^\\s*[A-Z.]{6}\\s+${encoder}\\s`, 'm').test(encoders);

// Long enough that FFmpeg's tty demuxer claims it (it ignores a few hundred bytes of text).
const NOTES = Array.from({ length: 40 }, (_, i) => `Line ${i + 1}: remember to re-encode the intro at 720p.`).join('\n');

async function make(name: string, args: string[]): Promise<void> {
  await run(ffmpeg, ['-v', 'error', '-nostdin', '-y', ...args, path.join(dir, name)]);
}

/** ffprobe's own view of a file, read independently of the code under test. */
async function rawProbe(file: string): Promise<FfprobeData> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file];
  return JSON.parse((await run(ffprobe, args)).stdout) as FfprobeData;
}

function fps(rate: string): number {
  const [n, d] = rate.split('/').map(Number);
  return Math.round((n! / d!) * 1000) / 1000;
}

const probeFile = (name: string, contentType?: string) =>
  probeMedia(path.join(dir, name), { ffprobePath: ffprobe, filename: name, contentType });

const AUDIO_ONLY = { fileType: 'audio', pixelFormat: null, width: null, height: null, frameRate: null, bitrateVideoKb: null } as const;

function expectNoMediaFields(fields: MediaFields): void {
  const media = Object.entries(fields).filter(([key]) => key !== 'fileType' && key !== 'mimeType');
  expect(media).toHaveLength(11);
  expect(media.filter(([, value]) => value !== null)).toEqual([]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'media-probe-'));
  const av = [...lavfiVideo, ...lavfiTone(48000), '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'];
  await Promise.all([
    make('clip.mp4', [...av, '-c:a', 'aac', '-b:a', '96k', '-ac', '2']),
    make('tone.m4a', [...lavfiTone(44100), '-t', '1', '-c:a', 'aac', '-b:a', '128k']),
    make('tone.wav', [...lavfiTone(22050), '-t', '1', '-ac', '1']),
    make('still.png', [...lavfiVideo, '-frames:v', '1']),
    has('libmp3lame') ? make('tone.mp3', [...lavfiTone(44100), '-t', '1', '-c:a', 'libmp3lame', '-b:a', '128k']) : null,
    has('libvpx-vp9')
      ? make('clip.webm', [...lavfiVideo, ...lavfiTone(48000), '-t', '1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-b:v', '300k', '-c:a', 'libopus'])
      : null,
    writeFile(path.join(dir, 'notes.txt'), NOTES),
    writeFile(path.join(dir, 'blob.bin'), randomBytes(64 * 1024)),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('probeMedia on real files', () => {
  it('reads an h264/aac mp4 exactly as ffprobe reports it', async () => {
    const fields = await probeFile('clip.mp4');
    const raw = await rawProbe(path.join(dir, 'clip.mp4'));
    const v = raw.streams.find((s) => s.codec_type === 'video')!;
    const a = raw.streams.find((s) => s.codec_type === 'audio')!;
    expect(fields).toEqual({
      duration: Number(raw.format.duration),
      fileType: 'video',
      fileFormat: 'mp4',
      codec: 'h264',
      pixelFormat: 'yuv420p',
      mimeType: 'video/mp4',
      width: 320,
      height: 240,
      frameRate: 25,
      bitrateVideoKb: Number(v.bit_rate) / 1000,
      bitrateAudioKb: Number(a.bit_rate) / 1000,
      sampleRate: 48000,
      channels: 2,
    });
    expect([v.codec_name, v.pix_fmt, v.width, v.height, fps(v.avg_frame_rate!)]).toEqual(['h264', 'yuv420p', 320, 240, 25]);
    expect([Number(a.sample_rate), a.channels, raw.format.tags?.major_brand]).toEqual([48000, 2, 'isom']);
    expect(fields.duration).toBeCloseTo(2, 1);
    expect(fields.bitrateAudioKb).toBeGreaterThan(80);
  });

  it('reads AAC in m4a as audio', async () => {
    const fields = await probeFile('tone.m4a');
    const raw = await rawProbe(path.join(dir, 'tone.m4a'));
    const a = raw.streams[0]!;
    expect(fields).toEqual({
      ...AUDIO_ONLY,
      duration: Number(raw.format.duration),
      fileFormat: 'm4a',
      codec: 'aac',
      mimeType: 'audio/mp4',
      bitrateAudioKb: Number(a.bit_rate) / 1000,
      sampleRate: 44100,
      channels: 1,
    });
    expect([a.codec_name, Number(a.sample_rate), a.channels]).toEqual(['aac', 44100, 1]);
  });

  it.skipIf(!has('libmp3lame'))('reads an mp3', async () => {
    const fields = await probeFile('tone.mp3');
    const raw = await rawProbe(path.join(dir, 'tone.mp3'));
    const a = raw.streams[0]!;
    expect(fields).toEqual({
      ...AUDIO_ONLY,
      duration: Number(raw.format.duration),
      fileFormat: 'mp3',
      codec: 'mp3',
      mimeType: 'audio/mpeg',
      bitrateAudioKb: 128,
      sampleRate: 44100,
      channels: 1,
    });
    expect([a.codec_name, Number(a.bit_rate), Number(a.sample_rate), a.channels]).toEqual(['mp3', 128000, 44100, 1]);
  });

  // The shipped static ffprobe, chosen for its start-up time, crashes (SIGSEGV) on every MPEG-TS file.
  it('reads an MPEG-TS file, falling back to the ffprobe on PATH when the first one crashes', async () => {
    await make('clip.ts', [...lavfiVideo, '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mpegts']);
    const fields = await probeMedia(path.join(dir, 'clip.ts'), { ffprobePath: ffprobe, fallbackFfprobePath: ffprobeFallback, filename: 'clip.ts' });
    expect(fields).toMatchObject({ fileType: 'video', fileFormat: 'mpegts', codec: 'h264', width: 320, height: 240 });
    expect(fields.duration).toBeCloseTo(1, 0);
  });

  it('reads a wav', async () => {
    const fields = await probeFile('tone.wav');
    const raw = await rawProbe(path.join(dir, 'tone.wav'));
    expect(fields).toEqual({
      duration: Number(raw.format.duration),
      fileType: 'audio',
      fileFormat: 'wav',
      codec: 'pcm_s16le',
      pixelFormat: null,
      mimeType: 'audio/wav',
      width: null,
      height: null,
      frameRate: null,
      bitrateVideoKb: null,
      bitrateAudioKb: 352.8, // 22050 Hz * 16 bit * 1 channel
      sampleRate: 22050,
      channels: 1,
    });
    expect(Number(raw.streams[0]!.bit_rate) / 1000).toBe(352.8);
  });

  it('reads a png as an image without duration, rate or bitrate', async () => {
    const fields = await probeFile('still.png');
    const v = (await rawProbe(path.join(dir, 'still.png'))).streams[0]!;
    expect(fields).toEqual({
      duration: null,
      fileType: 'image',
      fileFormat: 'png',
      codec: 'png',
      pixelFormat: v.pix_fmt,
      mimeType: 'image/png',
      width: 320,
      height: 240,
      frameRate: null,
      bitrateVideoKb: null,
      bitrateAudioKb: null,
      sampleRate: null,
      channels: null,
    });
    expect([v.codec_name, v.width, v.height]).toEqual(['png', 320, 240]);
  });

  it.skipIf(!has('libvpx-vp9'))('reads a webm; Matroska has no per-stream bitrates, so those are null', async () => {
    const fields = await probeFile('clip.webm');
    const raw = await rawProbe(path.join(dir, 'clip.webm'));
    expect(raw.streams.map((s) => s.bit_rate ?? 'N/A')).toEqual(['N/A', 'N/A']);
    expect(fields).toEqual({
      duration: Number(raw.format.duration),
      fileType: 'video',
      fileFormat: 'webm',
      codec: 'vp9',
      pixelFormat: 'yuv420p',
      mimeType: 'video/webm',
      width: 320,
      height: 240,
      frameRate: 25,
      bitrateVideoKb: null,
      bitrateAudioKb: null,
      sampleRate: 48000,
      channels: 1,
    });
  });

  it('treats a text file as other/text/plain, though ffprobe "reads" it with the tty demuxer', async () => {
    const raw = await rawProbe(path.join(dir, 'notes.txt'));
    expect(raw.format.format_name).toBe('tty');
    const fields = await probeFile('notes.txt');
    expect(fields).toMatchObject({ fileType: 'other', mimeType: 'text/plain' });
    expectNoMediaFields(fields);
  });

  it('treats random bytes as other/application/octet-stream', async () => {
    const fields = await probeFile('blob.bin');
    expect(fields).toMatchObject({ fileType: 'other', mimeType: 'application/octet-stream' });
    expectNoMediaFields(fields);
  });

  it('takes the MIME type of unreadable bytes from the extension, then the content type', async () => {
    await writeFile(path.join(dir, 'upload'), randomBytes(4096));
    const fields = await probeFile('upload', 'text/csv; charset=utf-8');
    expect(fields).toMatchObject({ fileType: 'other', mimeType: 'text/csv' });
    expect((await probeFile('blob.bin', 'text/csv')).mimeType).toBe('application/octet-stream');
  });

  it('rejects a file that does not exist', async () => {
    await expect(probeFile('missing.mp4')).rejects.toThrow(/ENOENT/);
  });

  it('does not let a local HLS playlist make ffprobe fetch a URL', async () => {
    const server = await serve(path.join(dir, 'clip.mp4'));
    const list = `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${server.url}/seg.ts\n#EXT-X-ENDLIST\n`;
    await writeFile(path.join(dir, 'list.m3u8'), list);
    try {
      const fields = await probeFile('list.m3u8');
      expect(fields.duration).toBeNull();
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('probeMedia and playlists', () => {
  it('does not let an uploaded playlist make ffprobe read a host file (format whitelist)', async () => {
    const hostDir = await mkdtemp(path.join(tmpdir(), 'media-secret-'));
    const secret = path.join(hostDir, 'secret.mp4');
    await copyFile(path.join(dir, 'clip.mp4'), secret);
    const list = `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${secret}\n#EXT-X-ENDLIST\n`;
    // Named .txt, FFmpeg 5 picks the demuxer by content; newer builds want a playlist extension. The
    // whitelist must hold either way.
    for (const name of ['playlist.txt', 'playlist.m3u8']) {
      await writeFile(path.join(dir, name), list);
      const fields = await probeFile(name);
      expect(fields).toMatchObject({ fileType: 'other', width: null, height: null, duration: null, codec: null });
    }
    // The same playlist, probed without the whitelist, does reach the host file: the route is real.
    const { stdout } = await run(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', path.join(dir, 'playlist.m3u8')]);
    expect(JSON.parse(stdout).streams[0]?.width).toBe(320);
  });
});

describe('probeMedia over HTTP', () => {
  it('reads a URL with Range requests and finds the same fields as on disk', async () => {
    const file = path.join(dir, 'clip.mp4');
    const server = await serve(file);
    try {
      const url = `${server.url}/bucket/clip.mp4?X-Amz-Signature=secret`;
      const remote = await probeMedia(url, { ffprobePath: ffprobe, filename: 'clip.mp4' });
      expect(remote).toEqual(await probeFile('clip.mp4'));
      const ranges = server.requests.map((r) => r.range).filter((r) => r !== undefined);
      expect(ranges.length).toBeGreaterThanOrEqual(1);
      // A Range that does not start at 0 is a seek: ffprobe jumps around instead of reading once
      // (here back to the media data after finding the index, which ffmpeg writes at the end).
      expect(ranges.some((r) => !r.startsWith('bytes=0-'))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('rejects an HTTP error without leaking the query string', async () => {
    const server = await serve(path.join(dir, 'clip.mp4'));
    try {
      const url = `${server.url}/missing?X-Amz-Signature=secret`;
      const error = await probeMedia(url, { ffprobePath: ffprobe, filename: 'x.mp4' }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/404/);
      expect((error as Error).message).not.toMatch(/secret/);
    } finally {
      await server.close();
    }
  });

  it('kills ffprobe when the server stalls past the timeout', async () => {
    const server = await serve(path.join(dir, 'clip.mp4'), { stall: true });
    try {
      const started = Date.now();
      const probe = probeMedia(`${server.url}/clip.mp4`, { ffprobePath: ffprobe, filename: 'clip.mp4', timeoutMs: 500 });
      await expect(probe).rejects.toBeInstanceOf(MediaProbeTimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });
});

describe('mediaFieldsFromProbe', () => {
  // ffprobe 5.1 JSON for an mp3 with a JPEG cover, trimmed to the fields that matter.
  const mp3WithCover = {
    streams: [
      { index: 0, codec_name: 'mp3', codec_type: 'audio', sample_rate: '44100', channels: 2, r_frame_rate: '0/0', avg_frame_rate: '0/0', duration: '215.093878', bit_rate: '320000', disposition: { default: 0, attached_pic: 0 } },
      { index: 1, codec_name: 'mjpeg', codec_type: 'video', width: 600, height: 600, pix_fmt: 'yuvj420p', r_frame_rate: '90000/1', avg_frame_rate: '0/0', duration: '215.093878', disposition: { default: 0, attached_pic: 1 }, tags: { comment: 'Cover (front)' } },
    ],
    format: { filename: 'song.mp3', nb_streams: 2, format_name: 'mp3', duration: '215.093878', size: '8683467', bit_rate: '322968', tags: { title: 'Song' } },
    chapters: [],
  } as unknown as FfprobeData;

  it('maps an mp3 with cover art to audio, ignoring the picture', () => {
    expect(mediaFieldsFromProbe(mp3WithCover, 'song.mp3')).toEqual({
      duration: 215.093878,
      fileType: 'audio',
      fileFormat: 'mp3',
      codec: 'mp3',
      pixelFormat: null,
      mimeType: 'audio/mpeg',
      width: null,
      height: null,
      frameRate: null,
      bitrateVideoKb: null,
      bitrateAudioKb: 320,
      sampleRate: 44100,
      channels: 2,
    });
  });

  it('derives a missing video bitrate from the container total minus the audio', () => {
    const data = {
      streams: [
        { index: 0, codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, pix_fmt: 'yuv420p', avg_frame_rate: '30000/1001', tags: {} },
        { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2, bit_rate: '128000' },
      ],
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.0', bit_rate: '2128000', tags: { major_brand: 'qt  ' } },
      chapters: [],
    } as unknown as FfprobeData;
    expect(mediaFieldsFromProbe(data, 'download')).toMatchObject({
      fileFormat: 'mov', mimeType: 'video/quicktime', frameRate: 29.97, bitrateVideoKb: 2000, bitrateAudioKb: 128,
    });
  });

  it('names containers the way users do', () => {
    const iso = (brand: string, audioOnly = false) =>
      ({
        streams: audioOnly
          ? [{ index: 0, codec_type: 'audio', codec_name: 'aac', sample_rate: 44100, channels: 2 }]
          : [{ index: 0, codec_type: 'video', codec_name: 'h264', width: 2, height: 2, nb_frames: '5' }],
        format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', tags: { major_brand: brand } },
        chapters: [],
      }) as unknown as FfprobeData;
    expect(mediaFieldsFromProbe(iso('isom'), 'a.mp4').fileFormat).toBe('mp4');
    expect(mediaFieldsFromProbe(iso('isom'), 'a.mov').fileFormat).toBe('mov');
    expect(mediaFieldsFromProbe(iso('mp42'), 'noext').fileFormat).toBe('mp4');
    expect(mediaFieldsFromProbe(iso('M4A '), 'noext', undefined)).toMatchObject({ fileFormat: 'm4a', mimeType: 'audio/mp4' });
    expect(mediaFieldsFromProbe(iso('isom', true), 'noext')).toMatchObject({ fileFormat: 'm4a', mimeType: 'audio/mp4' });
    expect(mediaFieldsFromProbe(iso('isom', true), 'a.mp4')).toMatchObject({ fileFormat: 'mp4', mimeType: 'audio/mp4' });
    expect(mediaFieldsFromProbe(iso('3gp4'), 'noext').fileFormat).toBe('3gp');

    const mkv = (codecs: string[]) =>
      ({
        streams: codecs.map((c, index) => ({ index, codec_type: 'video', codec_name: c, width: 2, height: 2 })),
        format: { format_name: 'matroska,webm' },
        chapters: [],
      }) as unknown as FfprobeData;
    expect(mediaFieldsFromProbe(mkv(['vp9']), 'noext').fileFormat).toBe('webm');
    expect(mediaFieldsFromProbe(mkv(['h264']), 'noext')).toMatchObject({ fileFormat: 'matroska', mimeType: 'video/x-matroska' });
    expect(mediaFieldsFromProbe(mkv(['vp9']), 'a.mkv').fileFormat).toBe('matroska');
  });

  it('counts a one-frame GIF as an image and an animated one as video', () => {
    const gif = (frames: string) =>
      ({
        streams: [{ index: 0, codec_type: 'video', codec_name: 'gif', width: 8, height: 8, nb_frames: frames, avg_frame_rate: '10/1' }],
        format: { format_name: 'gif', duration: '1.0', bit_rate: '1000' },
        chapters: [],
      }) as unknown as FfprobeData;
    expect(mediaFieldsFromProbe(gif('1'), 'a.gif')).toMatchObject({ fileType: 'image', mimeType: 'image/gif', frameRate: null });
    expect(mediaFieldsFromProbe(gif('10'), 'a.gif')).toMatchObject({ fileType: 'video', mimeType: 'image/gif', frameRate: 10 });
  });

  it('treats false positives (zero-sized picture, data-only, tty) as not media', () => {
    const junkJpeg = {
      streams: [{ index: 0, codec_type: 'video', codec_name: 'mjpeg', width: 0, height: 0 }],
      format: { format_name: 'image2', duration: '0.04' },
      chapters: [],
    } as unknown as FfprobeData;
    expect(mediaFieldsFromProbe(junkJpeg, 'x.jpg')).toMatchObject({ fileType: 'image', mimeType: 'image/jpeg', fileFormat: null, width: null });
    const dataOnly = { streams: [{ index: 0, codec_type: 'data', codec_name: 'bin_data' }], format: { format_name: 'mpegts' }, chapters: [] } as unknown as FfprobeData;
    expect(mediaFieldsFromProbe(dataOnly, 'x.dat')).toMatchObject({ fileType: 'other', fileFormat: null, codec: null });
    expect(mediaFieldsFromProbe(null, 'x', 'application/pdf')).toMatchObject({ fileType: 'other', mimeType: 'application/pdf' });
  });
});

interface TestServer {
  url: string;
  requests: { url: string; range: string | undefined }[];
  close(): Promise<void>;
}

/** Serves one file at every path but /missing, honouring single byte ranges like an object store. */
async function serve(file: string, opts: { stall?: boolean } = {}): Promise<TestServer> {
  const { size } = await stat(file);
  const state: TestServer = { url: '', requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    state.requests.push({ url: req.url ?? '', range: req.headers.range });
    if (opts.stall) return; // never answer
    if (req.url?.startsWith('/missing')) return void res.writeHead(404).end();
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const end = match?.[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
    if (start >= size) return void res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
    res.writeHead(match ? 206 : 200, {
      'Accept-Ranges': 'bytes',
      'Content-Length': end - start + 1,
      'Content-Type': 'video/mp4',
      ...(match ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
