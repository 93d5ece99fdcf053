import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveMediaBinaries } from '../../src/platform/media/index.ts';

/** A 2 s 320x240 h264/aac clip made with lavfi sources, written into dir; returns its path. */
export async function makeClip(dir: string, seconds = 2, size = '320x240'): Promise<string> {
  const { ffmpeg } = resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH });
  const file = path.join(dir, `clip-${seconds}s-${size}.mp4`);
  await promisify(execFile)(ffmpeg, [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file,
  ]);
  return file;
}
