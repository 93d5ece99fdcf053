import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { ffprobeJson, makeMedia } from './support/media.ts';
import { startS3, type TestS3 } from './support/s3.ts';

const execFileAsync = promisify(execFile);
let media: Awaited<ReturnType<typeof makeMedia>>;
let s3: TestS3;
beforeAll(async () => {
  [media, s3] = await Promise.all([makeMedia(), startS3()]);
});
afterAll(async () => {
  await s3?.stop();
});

const kb = (bitRate: string | undefined) => (bitRate ? Number(bitRate) / 1000 : null);
const fps = (rate: string) => {
  const [n, d] = rate.split('/').map(Number);
  return Math.round((n! / d!) * 1000) / 1000;
};

describe.each(['local', 's3'] as const)('probe through the API (%s storage)', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(driver === 's3' ? { s3 } : {});
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function uploadAndWait(file: string) {
    const form = new FormData();
    form.append('file', new Blob([await readFile(file)]), path.basename(file));
    const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    expect(status).toBe(200);
    const stored = await t.waitForFile(body.file_id);
    expect(stored.status).toBe('STORED');
    return stored;
  }

  it('MPEG-TS (which crashes the shipped static ffprobe) is stored with its media fields', async () => {
    const ts = path.join(path.dirname(media.mp4), 'clip-copy.ts');
    await execFileAsync('ffmpeg', ['-v', 'error', '-y', '-i', media.mp4, '-c', 'copy', '-f', 'mpegts', ts]);
    expect(await uploadAndWait(ts)).toMatchObject({ file_type: 'video', file_format: 'mpegts', codec: 'h264', width: expect.any(Number) });
  });

  it('h264/aac mp4: every media field equals ffprobe’s own numbers', async () => {
    const [file, probe] = await Promise.all([uploadAndWait(media.mp4), ffprobeJson(media.mp4)]);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    expect(file).toMatchObject({
      file_type: 'video',
      file_format: 'mp4',
      mime_type: 'video/mp4',
      codec: video.codec_name,
      pixel_format: video.pix_fmt,
      width: video.width,
      height: video.height,
      frame_rate: fps(video.avg_frame_rate),
      duration: Number(probe.format.duration),
      bitrate_video_kb: kb(video.bit_rate),
      bitrate_audio_kb: kb(audio.bit_rate),
      sample_rate: Number(audio.sample_rate),
      channels: audio.channels,
    });
    expect(file).toMatchObject({ codec: 'h264', width: 320, height: 240, frame_rate: 25, sample_rate: 48000, channels: 2 });
  });

  it('audio-only m4a: audio fields set, video fields null', async () => {
    const [file, probe] = await Promise.all([uploadAndWait(media.m4a), ffprobeJson(media.m4a)]);
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    expect(file).toMatchObject({
      file_type: 'audio',
      codec: 'aac',
      duration: Number(probe.format.duration),
      bitrate_audio_kb: kb(audio.bit_rate),
      sample_rate: 44100,
      channels: 1,
      width: null,
      height: null,
      pixel_format: null,
      frame_rate: null,
      bitrate_video_kb: null,
    });
  });

  it('PNG image: an image with its size and pixel format, no duration', async () => {
    const [file, probe] = await Promise.all([uploadAndWait(media.png), ffprobeJson(media.png)]);
    const video = probe.streams[0]!;
    expect(file).toMatchObject({
      file_type: 'image',
      file_format: 'png',
      mime_type: 'image/png',
      codec: 'png',
      width: video.width,
      height: video.height,
      pixel_format: video.pix_fmt,
      duration: null,
      sample_rate: null,
    });
  });

  it('a text file is STORED with media fields null', async () => {
    const file = await uploadAndWait(media.txt);
    expect(file).toMatchObject({ file_type: 'other', mime_type: 'text/plain', error_status: null });
    for (const field of ['duration', 'codec', 'width', 'height', 'frame_rate', 'sample_rate', 'channels', 'file_format']) {
      expect(file[field], field).toBeNull();
    }
    const bytes = Buffer.from(await (await fetch(file.storage_url)).arrayBuffer());
    expect(bytes.equals(await readFile(media.txt))).toBe(true);
  });
});
